/**
 * Subprocesses on real child processes. Tests named `test_*` are ports of CPython's
 * Lib/test/test_asyncio/test_subprocess.py (SubprocessMixin); the rest cover the faults of issue 15.
 * Every test records the pids it started and checks afterwards that none is left, running or zombie.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, test } from 'node:test';
import { formatTaskTree, taskTree } from '../../src/debug/index.js';
import { CancelledError, createTask, run, TimeoutError, timeout } from '../../src/index.js';
import { ConnectionResetError } from '../../src/streams/errors.js';
import {
  CalledProcessError,
  createSubprocessExec,
  createSubprocessShell,
  type Process,
  runProcess,
  SpawnError,
} from '../../src/subprocess/index.js';
import { assertNoTimers, turns } from '../helpers/leaks.js';

const NODE = process.execPath;
/** A child that blocks for an hour (PROGRAM_BLOCKED). */
const BLOCKED = ['-e', 'setTimeout(() => {}, 3_600_000)'];
/** A child copying stdin to stdout (PROGRAM_CAT). */
const CAT = ['-e', 'process.stdin.pipe(process.stdout)'];
/** A child that ignores SIGTERM, says so, and blocks. */
const STUBBORN = [
  '-e',
  "process.on('SIGTERM', () => {}); process.stdout.write('ready\\n'); setTimeout(() => {}, 3_600_000)",
];

const pids: number[] = [];
function track(proc: Process): Process {
  pids.push(proc.pid);
  return proc;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0); // succeeds for a running process and for a zombie alike
    return true;
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ESRCH');
    return false;
  }
}

/** Our direct children (Linux): running or zombie, each is listed until reaped. */
function children(): Set<string> {
  const file = `/proc/${process.pid}/task/${process.pid}/children`;
  if (!existsSync(file)) return new Set();
  return new Set(readFileSync(file, 'utf8').split(' ').filter(Boolean));
}
// tsx's esbuild service is a child of ours from the start.
const baseline = children();

afterEach(async () => {
  const left = pids.splice(0).filter(alive);
  for (const pid of left) process.kill(pid, 'SIGKILL');
  assert.deepEqual(left, [], 'processes left running or unreaped');
  const extra = [...children()].filter((pid) => !baseline.has(pid));
  assert.deepEqual(extra, [], 'child processes left');
  await assertNoTimers();
});

test('test_stdin_stdout: write, drain, close stdin, read stdout, wait', async () => {
  const proc = track(await createSubprocessExec(NODE, CAT, { stdin: 'pipe', stdout: 'pipe' }));
  proc.stdin!.write('some data');
  await proc.stdin!.drain();
  proc.stdin!.close();
  const data = await proc.stdout!.read();
  assert.equal(await proc.wait(), 0);
  assert.equal(data.toString(), 'some data');
});

test('test_communicate: input in, output out, returncode set', async () => {
  const proc = track(await createSubprocessExec(NODE, CAT, { stdin: 'pipe', stdout: 'pipe' }));
  const [stdout, stderr] = await proc.communicate(Buffer.from('some data'));
  assert.equal(proc.returncode, 0);
  assert.equal(stdout!.toString(), 'some data');
  assert.equal(stderr, null);
});

test('test_shell: exit status of a shell command', async () => {
  const proc = track(await createSubprocessShell('exit 7'));
  assert.equal(await proc.wait(), 7);
  assert.deepEqual(proc.args, ['/bin/sh', '-c', 'exit 7']);
});

test('test_kill / test_terminate: returncode is minus the signal number', async () => {
  const a = track(await createSubprocessExec(NODE, BLOCKED));
  a.kill();
  assert.equal(await a.wait(), -9);
  const b = track(await createSubprocessExec(NODE, BLOCKED));
  assert.equal(b.returncode, null);
  b.terminate();
  assert.equal(await b.wait(), -15);
  // Signals after the exit do nothing (trio; asyncio raises ProcessLookupError).
  b.kill();
  assert.equal(b.returncode, -15);
});

test('test_send_signal: SIGHUP after the child said it sleeps', async () => {
  const code = "process.stdout.write('sleeping\\n'); setTimeout(() => {}, 3_600_000)";
  const proc = track(await createSubprocessExec(NODE, ['-e', code], { stdout: 'pipe' }));
  assert.equal((await proc.stdout!.readline()).toString(), 'sleeping\n');
  proc.sendSignal('SIGHUP');
  assert.equal(await proc.wait(), -1);
  assert.throws(() => proc.sendSignal('SIGNOPE' as NodeJS.Signals), RangeError);
});

test('test_stdin_broken_pipe: drain throws ConnectionResetError once the child is gone', async () => {
  const proc = track(await createSubprocessExec(NODE, ['-e', ''], { stdin: 'pipe' }));
  await proc.wait();
  const err = await (async () => {
    for (let i = 0; i < 50; i++) {
      proc.stdin!.write(Buffer.alloc(1 << 20));
      await proc.stdin!.drain();
    }
  })().then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof ConnectionResetError, String(err));
  assert.ok(['EPIPE', 'ECONNRESET', undefined].includes(err.errno));
});

test('test_communicate_ignore_broken_pipe: communicate ignores EPIPE on stdin', async () => {
  const proc = track(await createSubprocessExec(NODE, ['-e', ''], { stdin: 'pipe' }));
  await proc.wait();
  const [out, err] = await proc.communicate(Buffer.alloc(4 << 20));
  assert.deepEqual([out, err, proc.returncode], [null, null, 0]);
});

test('test_pause_reading: output beyond a tiny limit still arrives whole', async () => {
  const limit = 10;
  const size = limit * 2 + 1;
  const proc = track(
    await createSubprocessExec(NODE, ['-e', `process.stdout.write('x'.repeat(${size}))`], {
      stdin: 'pipe',
      stdout: 'pipe',
      limit,
    }),
  );
  const [stdout] = await proc.communicate();
  assert.equal(stdout!.toString(), 'x'.repeat(size));
});

const LEN = "let n = 0; process.stdin.on('data', (d) => { n += d.length; }).on('end', () => console.log(n))";

test('test_empty_input / test_stdin_not_inheritable: communicate(empty) closes stdin', async () => {
  const proc = track(
    await createSubprocessExec(NODE, ['-e', LEN], { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' }),
  );
  const [out] = await proc.communicate(Buffer.alloc(0));
  assert.equal(out!.toString().trim(), '0');
  const again = track(await createSubprocessExec(NODE, ['-e', LEN], { stdin: 'pipe', stdout: 'pipe' }));
  assert.equal((await again.communicate('abc'))[0]!.toString().trim(), '3');
  assert.equal(await again.wait(), 0);
});

test('test_devnull_input / test_devnull_output / test_devnull_error', async () => {
  const a = track(await createSubprocessExec(NODE, ['-e', LEN], { stdin: 'ignore', stdout: 'pipe' }));
  assert.equal((await a.communicate())[0]!.toString().trim(), '0');
  const b = track(
    await createSubprocessExec(NODE, ['-e', LEN], { stdin: 'pipe', stdout: 'ignore', stderr: 'pipe' }),
  );
  assert.deepEqual(await b.communicate('abc'), [null, Buffer.alloc(0)]);
  const c = track(
    await createSubprocessExec(NODE, ['-e', LEN], { stdin: 'pipe', stdout: 'pipe', stderr: 'ignore' }),
  );
  const [out, err] = await c.communicate('abc');
  assert.equal(out!.toString().trim(), '3');
  assert.equal(err, null);
});

test('test_cancel_process_wait: a cancelled wait terminates and reaps the child before rejecting', async () => {
  await run(async () => {
    const proc = track(await createSubprocessExec(NODE, BLOCKED));
    const waiting = createTask(() => proc.wait(), { name: 'waiter' });
    await turns(2);
    const tree = formatTaskTree();
    assert.match(tree, new RegExp(`wait for pid ${proc.pid}`));
    waiting.cancel();
    await assert.rejects(async () => await waiting, CancelledError);
    // Rejected only after the exit: the returncode is already known, the pid gone.
    assert.equal(proc.returncode, -15);
    assert.equal(alive(proc.pid), false);
  });
});

test('test_cancel_make_subprocess_transport_exec: cancelled at once, the start leaves no process', async () => {
  await run(async () => {
    const starting = createTask(() => createSubprocessExec(NODE, BLOCKED));
    await Promise.resolve(); // the task has started and called spawn(); the spawn event is still to come
    await Promise.resolve();
    starting.cancel();
    await assert.rejects(async () => await starting, CancelledError);
  });
});

test('test_read_stdout_after_process_exit: output is there after wait()', async () => {
  const proc = track(
    await createSubprocessExec(NODE, ['-e', "process.stdout.write('x'.repeat(100_000))"], { stdout: 'pipe' }),
  );
  // The reader pauses the pipe past its limit; the child can still exit once the pipe buffer took the rest.
  const data = await proc.stdout!.read();
  assert.equal(await proc.wait(), 0);
  assert.equal(data.length, 100_000);
});

// A grace period of an hour: only the SIGTERM can end these children before the test's hang guard.
test('a cancelled communicate (timeout) terminates the child with SIGTERM; runProcess the same', {
  timeout: 60_000,
}, async () => {
  const noKill = 3_600_000;
  await run(async () => {
    const proc = track(await createSubprocessExec(NODE, BLOCKED, { stdout: 'pipe', killGraceMs: noKill }));
    await assert.rejects(
      timeout(50, () => proc.communicate()),
      TimeoutError,
    );
    assert.equal(proc.returncode, -15, 'ended by SIGTERM (-9 would mean SIGKILL)');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('enough')), 50);
    await assert.rejects(
      runProcess(NODE, BLOCKED, { signal: controller.signal, killGraceMs: noKill }),
      /enough/,
    );
  });
});

test('a child that ignores SIGTERM is killed after killGraceMs', async () => {
  await run(async () => {
    const proc = track(await createSubprocessExec(NODE, STUBBORN, { stdout: 'pipe', killGraceMs: 100 }));
    assert.equal((await proc.stdout!.readline()).toString(), 'ready\n');
    await assert.rejects(
      timeout(20, () => proc.wait()),
      TimeoutError,
    );
    assert.equal(proc.returncode, -9);
  });
});

test('a child killed by a signal: runProcess throws CalledProcessError with minus the signal', async () => {
  const err = await runProcess(NODE, ['-e', "process.kill(process.pid, 'SIGKILL')"]).catch((e: unknown) => e);
  assert.ok(err instanceof CalledProcessError);
  assert.equal(err.code, 'ERR_CALLED_PROCESS');
  assert.equal(err.returncode, -9);
  assert.match(err.message, /SIGKILL/);
  const unchecked = await runProcess(NODE, ['-e', 'process.exitCode = 4'], { check: false });
  assert.equal(unchecked.returncode, 4);
});

test('runProcess: check with captured output, input, cwd and env', async () => {
  const err = await runProcess(
    NODE,
    ['-e', "console.log('out'); console.error('oops'); process.exitCode = 3"],
    {
      capture: true,
    },
  ).catch((e: unknown) => e);
  assert.ok(err instanceof CalledProcessError);
  assert.deepEqual([err.returncode, err.stdout!.toString(), err.stderr!.toString()], [3, 'out\n', 'oops\n']);
  const done = await runProcess(
    NODE,
    ['-e', 'process.stdin.pipe(process.stdout); console.error(process.cwd(), process.env.GREETING)'],
    { capture: true, input: 'hi', cwd: '/', env: { GREETING: 'hello' } },
  );
  assert.deepEqual([done.stdout!.toString(), done.stderr!.toString()], ['hi', '/ hello\n']);
  const silent = await runProcess(NODE, ['-e', 'process.stdin.on("data", () => process.exit(9))']);
  assert.equal(silent.returncode, 0, 'without input, stdin is empty');
});

test('several MB on stdin, stdout and stderr at once do not deadlock', async () => {
  const size = 6 << 20;
  const code = `process.stdin.on('data', (d) => { process.stdout.write(d); process.stderr.write(d); })`;
  const proc = track(
    await createSubprocessExec(NODE, ['-e', code], { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' }),
  );
  const input = Buffer.alloc(size, 7);
  const [out, err] = await proc.communicate(input);
  assert.equal(out!.length, size);
  assert.equal(err!.length, size);
  assert.ok(out!.equals(input));
});

test('a cancelled read of stdout only stops the read: no line is lost, the child keeps running', async () => {
  await run(async () => {
    const code = "process.stdin.once('data', () => console.log('pong')); setTimeout(() => {}, 60_000)";
    const proc = track(await createSubprocessExec(NODE, ['-e', code], { stdin: 'pipe', stdout: 'pipe' }));
    const reading = createTask(() => proc.stdout!.readline(), { name: 'reader' });
    await turns(2);
    assert.match(formatTaskTree(), new RegExp(`readline on stdout of pid ${proc.pid}`));
    reading.cancel();
    await assert.rejects(async () => await reading, CancelledError);
    assert.equal(proc.returncode, null);
    proc.stdin!.write('ping');
    assert.equal((await proc.stdout!.readline()).toString(), 'pong\n');
    await proc[Symbol.asyncDispose]();
    assert.equal(proc.returncode, -15);
  });
});

test('a missing executable or working directory rejects with SpawnError naming it', async () => {
  const err = await createSubprocessExec('asyncio-ts-no-such-program').catch((e: unknown) => e);
  assert.ok(err instanceof SpawnError);
  assert.deepEqual([err.code, err.errno, err.path], ['ERR_SPAWN', 'ENOENT', 'asyncio-ts-no-such-program']);
  assert.match(err.message, /asyncio-ts-no-such-program.*not found/);
  const cwd = await runProcess(NODE, ['-e', ''], { cwd: '/no/such/dir' }).catch((e: unknown) => e);
  assert.ok(cwd instanceof SpawnError);
  assert.match(cwd.message, /\/no\/such\/dir/);
});

test('bad arguments throw TypeError/RangeError at the call, naming the argument', () => {
  assert.throws(() => createSubprocessExec(''), /program must be a non-empty string/);
  assert.throws(
    () => createSubprocessExec('ls', ['-l', 1 as unknown as string]),
    /args must be an array of strings/,
  );
  assert.throws(() => createSubprocessExec('ls', [], { stdout: 'pipes' as 'pipe' }), /options\.stdout/);
  assert.throws(() => createSubprocessExec('ls', [], { killGraceMs: -1 }), RangeError);
  assert.throws(() => createSubprocessShell(42 as unknown as string), /cmd must be/);
  assert.throws(() => runProcess('ls', [], { capture: 'yes' as unknown as boolean }), /options\.capture/);
  assert.throws(() => runProcess('ls', [], { input: 5 as unknown as string }), /options\.input/);
});

test('wait and communicate are checkpoints: they throw at once in a cancelled scope (the child is left alone)', async () => {
  await run(async () => {
    const proc = track(await createSubprocessExec(NODE, BLOCKED));
    const task = createTask(async () => {
      await Promise.resolve();
      return proc.wait();
    });
    task.cancel();
    await assert.rejects(async () => await task, CancelledError);
    assert.equal(proc.returncode, null, 'a task cancelled before it started never waited');
    proc.kill();
    assert.equal(await proc.wait(), -9);
    assert.equal(taskTree().length >= 1, true);
  });
});
