import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, createTask, sleep, type Task } from 'asyncio-ts';
import { runVirtual } from '../helpers/virtual-time.js';

test('task.catch handles a failure and passes a success through, as Promise.prototype.catch', async () => {
  await runVirtual(async () => {
    const failing = createTask(async () => {
      await sleep(1);
      throw new Error('boom');
    });
    const caught: string = await failing.catch((e: unknown) => (e as Error).message);
    assert.equal(caught, 'boom');
    const ok: Task<number> = createTask(async () => 7);
    const value: number | string = await ok.catch(() => 'never');
    assert.equal(value, 7);
    const rethrown = createTask(async () => {
      throw new RangeError('bad');
    }).catch((e: unknown) => {
      throw new TypeError('wrapped', { cause: e });
    });
    await assert.rejects(rethrown, TypeError);
  });
});

test('task.finally runs on success, failure and cancellation and keeps the outcome', async () => {
  await runVirtual(async () => {
    const seen: string[] = [];
    assert.equal(await createTask(async () => 'v').finally(() => seen.push('ok')), 'v');
    await assert.rejects(
      createTask(async () => {
        throw new Error('e');
      }).finally(() => seen.push('failed')),
      { message: 'e' },
    );
    const sleeper = createTask(() => sleep(10_000));
    const done = sleeper.finally(() => seen.push('cancelled'));
    await sleep(1);
    sleeper.cancel();
    await assert.rejects(done, CancelledError);
    assert.deepEqual(seen, ['ok', 'failed', 'cancelled']);
    assert.ok(sleeper.cancelled());
  });
});

test('catch retrieves the outcome: no "never retrieved" warning for a caught task', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => {
    warnings.push(w.message);
  };
  process.on('warning', onWarning);
  try {
    await runVirtual(async () => {
      const t = createTask(async () => {
        throw new Error('handled');
      });
      assert.equal(await t.catch(() => 'handled'), 'handled');
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      warnings.filter((w) => w.includes('never retrieved')),
      [],
    );
  } finally {
    process.off('warning', onWarning);
  }
});

test('then() of a finished failed or cancelled task calls the handler a microtask later, like a rejected promise', async () => {
  await runVirtual(async () => {
    const failed = createTask(async () => {
      throw new Error('boom');
    });
    const cancelled = createTask(() => sleep(10_000));
    await sleep(1);
    cancelled.cancel();
    await Promise.allSettled([failed, cancelled]);
    const order: string[] = [];
    const rejected = Promise.reject(new Error('plain'));
    rejected.catch(() => {});
    failed.then(undefined, (e: unknown) => order.push(`task ${(e as Error).message}`));
    rejected.then(undefined, () => order.push('promise'));
    cancelled.then(undefined, (e: unknown) => order.push(`task ${(e as Error).name}`));
    assert.deepEqual(order, [], 'never synchronously');
    await null;
    await null;
    assert.deepEqual(order, ['task boom', 'promise', 'task CancelledError']);
    // A handler that throws rejects the promise then() returned, as with a promise.
    await assert.rejects(
      failed.then(undefined, () => {
        throw new TypeError('from handler');
      }),
      TypeError,
    );
    // Inside a cancelled scope, awaiting a done task throws that scope's CancelledError (a checkpoint).
    const outer = createTask(async () => {
      await sleep(10_000).catch(() => {});
      return failed.then(
        () => 'fulfilled',
        (e: unknown) => (e as Error).name,
      );
    });
    await sleep(1);
    outer.cancel();
    assert.equal(await outer, 'CancelledError');
  });
});
