// How a program built on run() ends, in real child processes sent real signals: the shell's status for a
// signal with one line and no stack trace, a second signal during clean-up, a program that can never
// finish, and uncaught errors that name their task.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts a fixture; `onLine` sees each stdout line as it comes (to send signals at the right moment). */
function start(
  name: string,
  args: string[],
  onLine: (line: string, child: ChildProcessWithoutNullStreams) => void = () => {},
): Promise<Ended> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture(name), ...args], {
    cwd: root,
    env: { ...process.env, ASYNCIO_TS_DEBUG: '', NODE_OPTIONS: '' },
  });
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) onLine(line, child);
  });
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  // Bounded: a fixture that hangs is killed and the assertions on its output fail.
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return once(child, 'close').then(([code, signal]) => {
    clearTimeout(guard);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null, stdout, stderr };
  });
}

for (const [signal, status] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  test(`await run(main) without try/catch: ${signal} runs every finally, then exits ${status} with one line`, async () => {
    const ended = await start('signal-uncaught.ts', [], (line, child) => {
      if (line === 'ready') child.kill(signal);
    });
    assert.equal(ended.code, status);
    assert.match(ended.stdout, /main finally ran/);
    assert.match(ended.stdout, /child finally ran/);
    assert.doesNotMatch(ended.stdout, /not reached/);
    assert.equal(ended.stderr, `asyncio-ts: cancelled by ${signal}\n`, 'one line, no stack trace');
  });
}

test('a second SIGINT during clean-up ends the process at once', async () => {
  let sent = 0;
  const ended = await start('signal-uncaught.ts', ['slow-cleanup'], (line, child) => {
    if (line === 'ready' || line === 'cleaning up') {
      sent++;
      child.kill('SIGINT');
    }
  });
  assert.equal(sent, 2);
  assert.equal(ended.code, 130);
  assert.doesNotMatch(ended.stdout, /main finally ran/, 'the shielded clean-up was cut short');
  assert.equal(ended.stderr.trim().split('\n').length, 1);
  assert.match(ended.stderr, /SIGINT again during clean-up/);
});

for (const mode of ['plain', 'debug'] as const) {
  test(`a program that can never finish prints its task tree and exits 1 (${mode})`, async () => {
    const ended = await start('never-finishes.ts', mode === 'debug' ? ['debug'] : []);
    assert.equal(ended.code, 1);
    const lines = ended.stderr.trimEnd().split('\n');
    assert.match(
      lines[0]!,
      /^asyncio-ts: run "main" can never finish: nothing can wake these tasks \(3 pending tasks\)$/,
    );
    assert.match(lines[1]!, /^main \[running\] waiting on taskGroup/);
    assert.equal(lines[2], '└─ taskGroup');
    assert.match(lines[3]!, /^ {3}├─ locker \[running\] waiting on Lock\.acquire/);
    assert.match(lines[4]!, /^ {3}└─ starter \[running\] waiting on Event\.wait/);
    assert.equal(lines.length, 5, 'nothing else: no stack trace, no unsettled-await warning');
    assert.match(ended.stdout, /main finally ran/, 'main was cancelled, so its clean-up ran');
    assert.doesNotMatch(ended.stdout, /not reached/);
  });
}

test('an uncaught error from a task group child names the task and its group, class and message unchanged', async () => {
  const ended = await start('task-error.ts', []);
  assert.equal(ended.code, 1);
  assert.match(
    ended.stderr,
    /^asyncio-ts: uncaught error from task "user-2" \(in a task group of task "main"\):\n/,
  );
  assert.match(ended.stderr, /^QuotaError: quota exceeded for user 2$/m);
});

test('a background failure is reported as never retrieved even when main then fails', async () => {
  const ended = await start('task-error.ts', ['background']);
  assert.equal(ended.code, 1);
  const warning = ended.stderr.indexOf(
    'Task exception was never retrieved: task "poller" failed with Error: background broke',
  );
  const mainError = ended.stderr.indexOf('Error: main broke');
  assert.ok(warning >= 0, ended.stderr);
  assert.ok(mainError > warning, 'the warning comes before the error that ends the process');
  assert.doesNotMatch(
    ended.stderr,
    /uncaught error from/,
    "main's own error needs no line saying where it came from",
  );
});
