import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, cancellable, checkpoint, createTask, currentSignal } from 'asyncio-ts';
import { runVirtual } from '../helpers/virtual-time.js';

test('cancellable(promise) rejects as soon as the scope is cancelled and abandons the promise', async () => {
  await runVirtual(async () => {
    let resolveForeign: (v: string) => void = () => {};
    const foreign = new Promise<string>((resolve) => {
      resolveForeign = resolve;
    });
    const task = createTask(() => cancellable(foreign));
    await checkpoint();
    task.cancel();
    await assert.rejects(async () => task, CancelledError);
    resolveForeign('too late');
    assert.equal(await cancellable(Promise.resolve('fine')), 'fine');
  });
});

test('cancellable passes through the outcome, and is a checkpoint in a cancelled scope', async () => {
  const err = new Error('foreign failure');
  await assert.rejects(cancellable(Promise.reject(err)), (e: unknown) => e === err);
  await runVirtual(async () => {
    let second: unknown;
    const task = createTask(async () => {
      try {
        await cancellable(new Promise(() => {})); // never settles: only the cancellation ends it
      } catch {
        // The scope stays cancelled: a second cancellable throws at once, even for a settled promise.
        second = await cancellable(Promise.resolve('x')).catch((err: unknown) => err);
      }
    });
    await checkpoint();
    task.cancel();
    await task;
    assert.ok(second instanceof CancelledError);
  });
  assert.throws(() => cancellable(5 as never), { name: 'TypeError', message: /cancellable: promise/ });
});

test('currentSignal() outside any task never aborts', () => {
  assert.equal(currentSignal().aborted, false);
});
