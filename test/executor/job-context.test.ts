// cancelled() and jobSignal(): a running job sees its cancellation and stops at a clean point; its thread is
// kept (the next job runs on the same thread). cancelGraceMs is long here, so a job that did not stop by
// itself would make the test fail by running into the grace period's termination (a different thread).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CancelledError, createTask, run, sleep } from 'asyncio-ts';
import { cancelled, jobSignal, ThreadPoolExecutor } from 'asyncio-ts/executor';
import { closeAndCheck, cooperative, sharedFlags, until } from './fixtures/helpers.js';
import { STARTED, STOPPED_CLEANLY } from './fixtures/jobs.js';

describe('inside a job', () => {
  let executor: ThreadPoolExecutor;
  before(() => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1, cancelGraceMs: 15_000 });
  });
  after(() => closeAndCheck(executor));

  test('cancelled() is false, and jobSignal() not aborted, while the job is not cancelled', async () => {
    assert.deepEqual(await executor.runJob(cooperative('notCancelled'), []), {
      cancelled: false,
      aborted: false,
    });
  });

  test('a loop that checks cancelled() stops at its clean point; the thread is kept', async () => {
    await run(async () => {
      const thread = await executor.runJob(cooperative('whoAmI'), []);
      const flags = sharedFlags();
      const looping = executor.submit(cooperative('loopUntilCancelled'), flags);
      await until(flags, STARTED);
      looping.cancel();
      await assert.rejects(async () => await looping, CancelledError);
      assert.equal(looping.cancelled(), true);
      assert.equal(Atomics.load(flags, STOPPED_CLEANLY), 1, 'the job reached its clean point');
      assert.equal(await executor.runJob(cooperative('whoAmI'), []), thread, 'same thread: not terminated');
    });
  });

  test('jobSignal() aborts a wait inside the job; the thread is kept', async () => {
    await run(async () => {
      const thread = await executor.runJob(cooperative('whoAmI'), []);
      const flags = sharedFlags();
      const sleeping = executor.submit(cooperative('sleepWithSignal'), flags);
      await until(flags, STARTED);
      sleeping.cancel();
      await assert.rejects(async () => await sleeping, CancelledError);
      assert.equal(Atomics.load(flags, STOPPED_CLEANLY), 1);
      assert.equal(await executor.runJob(cooperative('whoAmI'), []), thread);
    });
  });
});

describe('outside a job (main thread)', () => {
  test('cancelled() tells whether the current scope is cancelled', async () => {
    assert.equal(cancelled(), false, 'outside every task');
    await run(async () => {
      assert.equal(cancelled(), false);
      const seen: boolean[] = [];
      const task = createTask(async () => {
        try {
          await sleep(Number.POSITIVE_INFINITY);
        } finally {
          seen.push(cancelled());
        }
      });
      await sleep(0);
      task.cancel();
      await assert.rejects(async () => await task, CancelledError);
      assert.deepEqual(seen, [true]);
    });
  });

  test('jobSignal() is the current scope signal, or one that never aborts outside every task', async () => {
    const outside = jobSignal();
    assert.equal(outside.aborted, false);
    assert.equal(jobSignal(), outside, 'one shared signal');
    await run(async () => {
      const task = createTask(async () => {
        const signal = jobSignal();
        await sleep(Number.POSITIVE_INFINITY).catch(() => undefined);
        return signal;
      });
      await sleep(0);
      task.cancel();
      const signal = await task;
      assert.equal(signal.aborted, true);
      assert.ok(signal.reason instanceof CancelledError);
    });
  });
});
