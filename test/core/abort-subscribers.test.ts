import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTask, Lock, sleep, type Task } from 'asyncio-ts';
import { waitAllTasksBlocked } from 'asyncio-ts/testing';
import { abortListenerCount, assertNoAbortListeners } from '../helpers/leaks.js';
import { runVirtual } from '../helpers/virtual-time.js';

/** Runs `body`, returning the MaxListenersExceededWarnings emitted meanwhile. */
async function maxListenerWarnings(body: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (warning: Error) => {
    if (warning.name === 'MaxListenersExceededWarning') seen.push(warning.message);
  };
  process.on('warning', onWarning);
  try {
    await body();
    await new Promise<void>((resolve) => setImmediate(resolve)); // warnings are emitted on process.nextTick
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

test('one signal given to 200 waits and tasks at once: one listener, no MaxListenersExceededWarning, all cancelled in order', async () => {
  const warnings = await maxListenerWarnings(() =>
    runVirtual(async () => {
      const controller = new AbortController();
      const { signal } = controller;
      const lock = new Lock();
      const held = lock.tryAcquire()!;
      const order: string[] = [];
      const waits: Promise<unknown>[] = [];
      for (let i = 0; i < 100; i++) {
        waits.push(sleep(60_000, undefined, { signal }).catch(() => order.push(`sleep ${i}`)));
        waits.push(lock.acquire({ signal }).catch(() => order.push(`acquire ${i}`)));
      }
      const tasks: Task<unknown>[] = Array.from({ length: 20 }, () =>
        createTask(() => sleep(60_000), { signal }),
      );
      await waitAllTasksBlocked();
      assert.equal(abortListenerCount(signal), 1, 'one listener for all of them');
      const reason = new Error('stop');
      controller.abort(reason);
      await Promise.all(waits);
      const settled = await Promise.allSettled(tasks.map((task) => task.then(() => 'done')));
      assert.ok(settled.every((outcome) => outcome.status === 'rejected'));
      assert.ok(tasks.every((task) => task.cancelled()));
      const expected = Array.from({ length: 100 }, (_, i) => [`sleep ${i}`, `acquire ${i}`]).flat();
      assert.deepEqual(order, expected, 'cancelled in the order they started waiting');
      assertNoAbortListeners(signal);
      held.release();
      assert.equal(lock.locked(), false, 'no cancelled waiter kept the lock');
    }),
  );
  assert.deepEqual(warnings, []);
});

test('the listener stays while any wait on the signal is pending and goes with the last one', async () => {
  await runVirtual(async () => {
    const { signal } = new AbortController();
    const short = sleep(10, 'short', { signal });
    const long = sleep(20, 'long', { signal });
    assert.equal(abortListenerCount(signal), 1);
    assert.equal(await short, 'short');
    assert.equal(abortListenerCount(signal), 1, 'the long sleep still listens');
    assert.equal(await long, 'long');
    assertNoAbortListeners(signal);
    assert.equal(await sleep(5, 'again', { signal }), 'again', 'the signal can be given again');
    assertNoAbortListeners(signal);
  });
});
