import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, createTask, run, sleep, type Task } from 'asyncio-ts';

test('task.catch handles a failure and passes a success through, as Promise.prototype.catch', async () => {
  await run(async () => {
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
  await run(async () => {
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
    await run(async () => {
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
