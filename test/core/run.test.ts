import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CancelledError, checkpoint, createTask, run, sleep } from 'asyncio-ts';
import { assertNoTimers } from '../helpers/leaks.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('run() cancels and awaits tasks still pending when main returns', async () => {
  const events: string[] = [];
  const result = await runVirtual(async () => {
    createTask(async () => {
      try {
        await sleep(60_000);
      } finally {
        events.push('leftover cleaned up');
      }
    });
    await checkpoint();
    return 'main done';
  });
  assert.equal(result, 'main done');
  assert.deepEqual(events, ['leftover cleaned up']);
  await assertNoTimers();
});

test('run() rejects with the error of main, after cleaning up', async () => {
  const events: string[] = [];
  const boom = new Error('main failed');
  await assert.rejects(
    runVirtual(async () => {
      createTask(async () => {
        try {
          await sleep(60_000);
        } finally {
          events.push('cleaned');
        }
      });
      await checkpoint();
      throw boom;
    }),
    (err: unknown) => err === boom,
  );
  assert.deepEqual(events, ['cleaned']);
});

test('runs nest: each owns only its own tasks', async () => {
  await runVirtual(async () => {
    const outerTask = createTask(() => sleep(50, 'outer'));
    const inner = await runVirtual(async () => {
      createTask(() => sleep(60_000)); // cancelled when the inner run ends
      return 'inner';
    });
    assert.equal(inner, 'inner');
    assert.equal(outerTask.done(), false, 'the inner run did not touch the outer run task');
    assert.equal(await outerTask, 'outer');
  });
});

test('a task exception that nobody retrieves is reported with a warning when its run ends, never thrown', async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  try {
    await runVirtual(async () => {
      createTask(
        async () => {
          throw new Error('lost error');
        },
        { name: 'careless' },
      );
      await sleep(5);
    });
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  const ours = warnings.filter(
    (w) => (w as { code?: string }).code === 'ASYNCIO_TS_TASK_EXCEPTION_NEVER_RETRIEVED',
  );
  assert.equal(ours.length, 1);
  assert.match(ours[0]!.message, /careless/);
  assert.match(ours[0]!.message, /lost error/);
});

test('a retrieved task exception is not reported', async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  try {
    await runVirtual(async () => {
      const t = createTask(async () => {
        throw new Error('seen');
      });
      await sleep(5);
      assert.ok(t.exception() instanceof Error);
    });
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  assert.equal(warnings.filter((w) => (w as { code?: string }).code?.startsWith('ASYNCIO_TS')).length, 0);
});

test('bad arguments throw at the call, naming the argument', () => {
  const main = async (): Promise<number> => 1;
  assert.throws(() => run(42 as never), { name: 'TypeError', message: /run: main must be a function/ });
  assert.throws(() => run(main, { signals: 'SIGINT' as never }), { name: 'TypeError', message: /signals/ });
  assert.throws(() => run(main, { debug: Number.NaN as never }), {
    name: 'TypeError',
    message: /run: options\.debug must be a boolean/,
  });
  assert.throws(() => run(main, { slowCallbackMs: -1 }), {
    name: 'RangeError',
    message: /run: options\.slowCallbackMs must be >= 0/,
  });
  assert.throws(() => run(main, { slowCallbackMs: Number.NaN }), RangeError);
  assert.throws(() => run(main, { clock: {} as never }), { name: 'TypeError', message: /options\.clock/ });
  assert.throws(() => run(main, { trace: '' }), { name: 'TypeError', message: /options\.trace/ });
  assert.throws(() => run(main, { dumpOnSignal: 'USR2' as never }), TypeError);
  assert.throws(() => run(main, 'fast' as never), /run: options must be an object/);
});

test('signal handlers are removed when run settles', async () => {
  const before = process.listenerCount('SIGINT');
  await run(async () => {
    assert.equal(process.listenerCount('SIGINT'), before + 1);
  });
  assert.equal(process.listenerCount('SIGINT'), before);
});

const fixture = fileURLToPath(new URL('./fixtures/sigint-main.ts', import.meta.url));

for (const [signal, status] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  test(`the first ${signal} cancels main so that its finally blocks run (real child process)`, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (chunk.includes('ready')) child.kill(signal);
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.match(out, /ready/);
    assert.match(out, /main finally ran/);
    assert.match(out, /child finally ran/);
    assert.match(out, /run rejected with CancelledError/);
    assert.equal(code, status, 'a caller that catches keeps control; the status still says which signal');
  });
}

test('CancelledError from run() when main is cancelled from inside', async () => {
  await assert.rejects(
    run(async () => {
      const main = (await import('asyncio-ts')).currentTask()!;
      main.cancel();
      await sleep(1000);
    }),
    CancelledError,
  );
});
