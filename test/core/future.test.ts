import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CancelledError, checkpoint, createTask, Future, InvalidStateError, run } from 'asyncio-ts';

test('a future bridges a callback API', async () => {
  const fut = new Future<string>();
  assert.equal(fut.done(), false);
  assert.throws(() => fut.result(), InvalidStateError);
  const order: string[] = [];
  fut.addDoneCallback((f) => order.push(`cb:${f.result()}`));
  setImmediate(() => fut.setResult('ready')); // a callback a turn later
  assert.equal(await fut, 'ready');
  assert.deepEqual(order, ['cb:ready']);
  assert.throws(() => fut.setResult('again'), InvalidStateError);
  assert.equal(fut.exception(), undefined);
});

test('setException and cancel', async () => {
  const err = new Error('x');
  const failed = new Future<number>();
  failed.setException(err);
  await assert.rejects(
    async () => failed,
    (e: unknown) => e === err,
  );
  assert.equal(failed.exception(), err);

  const cancelled = new Future<number>();
  assert.equal(cancelled.cancel('no longer needed'), true);
  assert.equal(cancelled.cancelled(), true);
  assert.equal(cancelled.cancel(), false);
  await assert.rejects(async () => cancelled, CancelledError);
  assert.throws(() => cancelled.exception(), CancelledError);
});

test('awaiting a future is a checkpoint: a cancelled awaiter stops waiting, the future is untouched', async () => {
  await run(async () => {
    const fut = new Future<string>();
    const waiter = createTask(async () => fut);
    await checkpoint();
    waiter.cancel();
    await assert.rejects(async () => waiter, CancelledError);
    assert.equal(fut.done(), false);
    fut.setResult('later');
    assert.equal(await fut, 'later');
  });
});

test('a future whose exception nobody retrieves is reported when it is garbage-collected', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const warnings: string[] = [];
  const onWarning = (warning: Error & { code?: string }): void => {
    if (warning.code === 'ASYNCIO_TS_FUTURE_EXCEPTION_NEVER_RETRIEVED') warnings.push(warning.message);
  };
  process.on('warning', onWarning);
  try {
    (() => {
      new Future<number>().setException(new Error('nobody looked'));
      const seen = new Future<number>();
      seen.setException(new Error('looked at'));
      assert.ok(seen.exception() instanceof Error);
    })();
    // Finalizers run in a later turn of the event loop after a collection: turns, not time.
    for (let i = 0; i < 200 && warnings.length === 0; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, ['Future exception was never retrieved: Error: nobody looked']);
});
