import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, checkpoint, createTask, gather, sleep } from 'asyncio-ts';
import { assertNoTimers } from '../helpers/leaks.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('results come in argument order whatever the completion order', async () => {
  await runVirtual(async () => {
    const task = createTask(() => sleep(5, 'task'));
    const results = await gather(
      () => sleep(30, 'slow'),
      Promise.resolve('promise'),
      task,
      () => sleep(1, 'fast'),
    );
    assert.deepEqual(results, ['slow', 'promise', 'task', 'fast']);
  });
});

test('the first failure cancels the tasks gather started, waits for them, and is thrown', async () => {
  const events: string[] = [];
  const boom = new Error('boom');
  await runVirtual(async () => {
    const passedIn = createTask(() => sleep(40, 'passed in'));
    await assert.rejects(
      gather(
        async () => {
          await sleep(5);
          throw boom;
        },
        async () => {
          try {
            await sleep(10_000);
          } finally {
            await sleep(10).catch(() => undefined);
            events.push('started sibling cleaned up');
          }
        },
        passedIn,
      ),
      (err: unknown) => err === boom,
    );
    // gather waited for its own task's clean-up before rejecting, and left the passed-in task alone.
    assert.deepEqual(events, ['started sibling cleaned up']);
    assert.equal(passedIn.cancelled(), false);
    assert.equal(await passedIn, 'passed in');
  });
});

test('caller cancellation cancels every child task (started or passed in), waits, and throws CancelledError', async () => {
  const events: string[] = [];
  await runVirtual(async () => {
    const passedIn = createTask(async () => {
      try {
        await sleep(10_000);
      } finally {
        events.push('passed-in cleaned up');
      }
    });
    const caller = createTask(() =>
      gather(async () => {
        try {
          await sleep(10_000);
        } finally {
          events.push('started cleaned up');
        }
      }, passedIn),
    );
    await checkpoint();
    caller.cancel();
    await assert.rejects(async () => caller, CancelledError);
    assert.equal(passedIn.cancelled(), true);
  });
  assert.deepEqual(events.sort(), ['passed-in cleaned up', 'started cleaned up']);
  await assertNoTimers();
});

test('returnExceptions: failures and CancelledErrors stand in the results', async () => {
  await runVirtual(async () => {
    const boom = new Error('boom');
    const cancelled = createTask(() => sleep(10_000));
    cancelled.cancel();
    const results = await gather(
      () => sleep(1, 'ok'),
      async () => {
        throw boom;
      },
      cancelled,
      Promise.reject(boom),
      { returnExceptions: true },
    );
    assert.equal(results[0], 'ok');
    assert.equal(results[1], boom);
    assert.ok(results[2] instanceof CancelledError);
    assert.equal(results[3], boom);
  });
});

test('gather of nothing is [], of already-done tasks works, and bad arguments are TypeErrors', async () => {
  assert.deepEqual(await gather(), []);
  await runVirtual(async () => {
    const done = createTask(async () => 3);
    await done;
    assert.deepEqual(await gather(done, done), [3, 3]);
  });
  assert.throws(() => gather(42 as never), { name: 'TypeError', message: /gather: argument 0/ });
});

test('a cancelled child task makes gather reject with CancelledError (without returnExceptions)', async () => {
  await runVirtual(async () => {
    const child = createTask(() => sleep(10_000));
    const pending = gather(child, () => sleep(5, 'x'));
    await checkpoint();
    child.cancel();
    await assert.rejects(pending, CancelledError);
  });
});
