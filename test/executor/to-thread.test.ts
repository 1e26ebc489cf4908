// toThread and runInExecutor: one job awaited in the calling task, on the run's default executor (shut down
// with the run) or on a given executor.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancelledError, createTask, gather, run, sleep, TimeoutError, timeout } from 'asyncio-ts';
import { activeWorkerCount, runInExecutor, ThreadPoolExecutor, toThread } from 'asyncio-ts/executor';
import { assertNoTimers } from '../helpers/leaks.js';
import { closeAndCheck, job, sharedFlags, until } from './fixtures/helpers.js';
import { STARTED } from './fixtures/jobs.js';

describe('toThread', () => {
  test('runs jobs concurrently on the default executor, which ends with the run', async () => {
    const flags = sharedFlags();
    const results = await run(async () => {
      // The seed's run_in_executor program, with a rendezvous instead of time: both jobs must run at once,
      // and runInExecutor(null, …) shares the run's default executor with toThread.
      return gather(
        runInExecutor(null, job('rendezvous'), flags, 0, 1),
        toThread(job('rendezvous'), flags, 1, 0),
      );
    });
    assert.ok(
      results.every((r) => r !== 'timed-out'),
      JSON.stringify(results),
    );
    assert.equal(activeWorkerCount(), 0, 'no thread outlives the run');
    await assertNoTimers();
  });

  test('self-contained functions are sent by source; one that closes over a variable fails clearly', async () => {
    const factor = 3;
    await run(async () => {
      const square = (n: number) => n * n;
      assert.equal(await toThread(square, 12), 144);
      assert.deepEqual(
        await toThread((o: { a: number[] }) => ({ b: o.a.map((x) => x + 1) }), { a: [1, 2] }),
        {
          b: [2, 3],
        },
      );
      // tsx/esbuild wrap named inner functions in __name(): the worker provides it.
      function outer(x: number): number {
        function inner(y: number): number {
          return y * 3;
        }
        const arrow = (z: number) => inner(z) + 1;
        return arrow(x);
      }
      assert.equal(await toThread(outer, 2), 7);
      assert.equal(
        await toThread(async (ms: number) => new Promise((r) => setTimeout(() => r(ms), ms)), 5),
        5,
      );
      const date = await toThread((d: Date) => new Date(d.getTime() + 1000), new Date(0));
      assert.ok(date instanceof Date);
      assert.equal(date.getTime(), 1000);

      // A variable from outside the function does not exist in the worker: the error says why.
      const error = await toThread((n: number) => n * factor, 2).then(
        () => assert.fail('should have thrown'),
        (err: unknown) => err as ReferenceError,
      );
      assert.ok(error instanceof ReferenceError);
      assert.match(error.message, /^factor is not defined in the worker thread/);
      assert.match(error.message, /no closures/);
      assert.match(error.stack ?? '', /asyncio-ts-job:/, 'the stack names the sent function');
    });
    assert.equal(activeWorkerCount(), 0);
  });

  test('cancelled by a timeout: the running job is stopped and TimeoutError is thrown', async () => {
    await run(async () => {
      const flags = sharedFlags();
      let started = false;
      await assert.rejects(
        timeout(60_000, async (scope) => {
          const pending = toThread(job('spinForever'), flags);
          await until(flags, STARTED);
          started = true;
          scope.reschedule(0); // expire now: the job is running
          return pending;
        }),
        TimeoutError,
      );
      assert.equal(started, true);
      assert.equal(await toThread((x: number) => x + 1, 1), 2, 'the default executor still serves jobs');
    });
    assert.equal(activeWorkerCount(), 0, 'the terminated thread has exited too');
  });

  test('a checkpoint: rejects at once in a cancelled scope, without starting anything', async () => {
    await run(async () => {
      const task = createTask(async () => {
        await sleep(Number.POSITIVE_INFINITY).catch(() => undefined);
        return toThread((x: number) => x, 1);
      });
      await sleep(0);
      task.cancel();
      await assert.rejects(async () => await task, CancelledError);
    });
    assert.equal(activeWorkerCount(), 0);
  });

  test('bad arguments are TypeErrors at the call', () => {
    assert.throws(() => toThread(42 as never), {
      name: 'TypeError',
      message: /^toThread: fn must be a function or a workerFunction\(\) reference, received number 42$/,
    });
    assert.throws(() => toThread(Math.max, 1, 2), {
      name: 'TypeError',
      message: /toThread: fn \(function max\) cannot be sent to a worker thread: it is a bound or built-in/,
    });
    assert.throws(() => toThread(((x: number) => x).bind(null), 1), /bound or built-in/);
  });
});

describe('runInExecutor', () => {
  test('runs on the given executor', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    assert.equal(await runInExecutor(executor, (a: string, b: string) => a + b, 'x', 'y'), 'xy');
    assert.equal(executor.statistics().completed, 1);
    await closeAndCheck(executor);
  });

  test('a bad executor is a TypeError naming the argument', () => {
    assert.throws(() => runInExecutor({} as never, (x: number) => x, 1), {
      name: 'TypeError',
      message:
        /^runInExecutor: executor must be a ThreadPoolExecutor or null, received an instance of Object$/,
    });
  });
});
