import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTask, run, sleep } from 'asyncio-ts';
import { VirtualClock } from 'asyncio-ts/testing';
import { assertNoTimers } from '../helpers/leaks.js';

const hung = fileURLToPath(new URL('./fixtures/hung.ts', import.meta.url));

/** Resolves once `read()` satisfies `done`, re-checking on each chunk of `stream`; rejects if it ends first. */
function waitFor(
  stream: NodeJS.ReadableStream,
  read: () => string,
  done: (text: string) => boolean,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = () => {
      if (!done(read())) return;
      stream.off('data', check);
      stream.off('end', ended);
      resolve();
    };
    const ended = () => reject(new Error(`stream ended before the expected output:\n${read()}`));
    stream.on('data', check);
    stream.on('end', ended);
    check();
  });
}

test('dumpOnSignal: a hung child process prints its task tree on SIGUSR2 and keeps running', {
  timeout: 60_000,
}, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', hung], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  try {
    await waitFor(
      child.stdout,
      () => stdout,
      (text) => text.includes('ready\n'),
    );
    child.kill('SIGUSR2');
    await waitFor(
      child.stderr,
      () => stderr,
      (text) => text.includes('sleeper'),
    );
    const lines = stderr.trimEnd().split('\n');
    assert.match(lines[0]!, /^asyncio-ts: task tree of run "main" \(pid \d+\) \(4 pending tasks\)$/);
    // main waits on its task group (a recorded wait, like the others), not running.
    assert.match(lines[1]!, /^main \[running\] waiting on taskGroup for \d+ ms$/);
    assert.equal(lines[2], '└─ taskGroup');
    // The dump records waits (dumpOnSignal turns recording on), so each says for how long.
    assert.match(lines[3]!, /^ {3}├─ locker \[running\] waiting on Lock\.acquire for \d+ ms$/);
    assert.match(lines[4]!, /^ {3}├─ getter \[running\] waiting on Queue\.get for \d+ ms$/);
    assert.match(lines[5]!, /^ {3}└─ sleeper \[running\] waiting on sleep.*left\) for \d+ ms$/);
    assert.equal(child.exitCode, null, 'still running after the dump');
    // Asking again works too.
    const before = stderr.length;
    child.kill('SIGUSR2');
    await waitFor(
      child.stderr,
      () => stderr.slice(before),
      (text) => text.includes('sleeper'),
    );
    child.kill('SIGINT'); // run() cancels main: clean-up runs, the process ends
    const [code] = await once(child, 'exit');
    assert.equal(code, 130);
    assert.ok(stdout.includes('cancelled\n'));
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

test('the dump handler is removed when the run ends', async () => {
  const before = process.listenerCount('SIGUSR2');
  await run(async () => assert.equal(process.listenerCount('SIGUSR2'), before + 1), {
    dumpOnSignal: 'SIGUSR2',
  });
  assert.equal(process.listenerCount('SIGUSR2'), before);
  assert.throws(
    // @ts-expect-error: not a signal name
    () => run(async () => {}, { dumpOnSignal: 'USR2' }),
    /options\.dumpOnSignal must be a signal name/,
  );
});

test('debug mode lists the tasks still pending when main returns, before cancelling them', async () => {
  const seen: Error[] = [];
  const onWarning = (warning: Error) => seen.push(warning);
  process.on('warning', onWarning);
  try {
    for (const debug of [true, false]) {
      let worker!: ReturnType<typeof createTask>;
      await run(
        async () => {
          worker = createTask(() => sleep(60_000), { name: 'worker' });
          await sleep(1);
        },
        { clock: new VirtualClock(), debug },
      );
      assert.equal(worker.cancelled(), true);
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  const pending = seen.filter((w) => (w as { code?: string }).code === 'ASYNCIO_TS_PENDING_AT_RUN_END');
  assert.equal(pending.length, 1, 'only in debug mode');
  assert.match(
    pending[0]!.message,
    /^run "main" is ending: main has returned; cancelling the tasks still pending \(1 pending task\)\n/,
  );
  assert.match(
    pending[0]!.message,
    /\nworker \[running\] waiting on sleep.* for \d+ ms · created at .*session\.test\.ts:\d+:\d+/,
  );
  await assertNoTimers();
});
