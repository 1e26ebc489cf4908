import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, checkpoint, createTask, sleep, wait } from 'asyncio-ts';
import { assertNoTimers } from '../helpers/leaks.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('ALL_COMPLETED (default) returns when everything is done, failures included, never throwing', async () => {
  await runVirtual(async () => {
    const a = createTask(() => sleep(5, 'a'));
    const b = createTask(async () => {
      await sleep(10);
      throw new Error('b failed');
    });
    const { done, pending } = await wait([a, b]);
    assert.equal(done.size, 2);
    assert.equal(pending.size, 0);
    assert.equal(b.exception() instanceof Error, true);
  });
});

test('FIRST_COMPLETED returns as soon as one is done and cancels nothing', async () => {
  await runVirtual(async () => {
    const fast = createTask(() => sleep(5, 'fast'));
    const slow = createTask(() => sleep(10_000, 'slow'));
    const { done, pending } = await wait([fast, slow], { returnWhen: 'FIRST_COMPLETED' });
    assert.deepEqual([...done], [fast]);
    assert.deepEqual([...pending], [slow]);
    assert.equal(slow.done(), false);
    slow.cancel();
  });
  await assertNoTimers();
});

test('FIRST_EXCEPTION returns at the first failure, or when all are done', async () => {
  await runVirtual(async () => {
    const ok = createTask(() => sleep(1, 'ok'));
    const bad = createTask(async () => {
      await sleep(10);
      throw new Error('bad');
    });
    const slow = createTask(() => sleep(10_000));
    const first = await wait([ok, bad, slow], { returnWhen: 'FIRST_EXCEPTION' });
    assert.ok(first.done.has(ok) && first.done.has(bad));
    assert.deepEqual([...first.pending], [slow]);
    bad.exception();
    slow.cancel();

    const all = await wait([createTask(() => sleep(1)), createTask(() => sleep(2))], {
      returnWhen: 'FIRST_EXCEPTION',
    });
    assert.equal(all.done.size, 2);
  });
});

test('timeout returns what is done so far, cancelling nothing, and leaves no timer', async () => {
  await runVirtual(async () => {
    const fast = createTask(() => sleep(1));
    const slow = createTask(() => sleep(10_000));
    const { done, pending } = await wait([fast, slow], { timeout: 30 });
    assert.deepEqual([...done], [fast]);
    assert.deepEqual([...pending], [slow]);
    assert.equal(slow.cancelled(), false);
    slow.cancel();
  });
  await assertNoTimers();
});

test('accepts promises and functions; functions appear as the tasks started for them', async () => {
  await runVirtual(async () => {
    const promise = Promise.resolve(1);
    const { done } = await wait([promise, () => sleep(1, 2)]);
    assert.equal(done.size, 2);
    assert.ok(done.has(promise));
  });
});

test('waiting is a checkpoint: a cancelled caller stops waiting and the children go on', async () => {
  await runVirtual(async () => {
    const child = createTask(() => sleep(30, 'child'));
    const caller = createTask(() => wait([child]));
    await checkpoint();
    caller.cancel();
    await assert.rejects(async () => caller, CancelledError);
    assert.equal(await child, 'child');
  });
});

test('bad arguments', () => {
  assert.throws(() => wait(5 as never), { name: 'TypeError', message: /wait: awaitables/ });
  assert.throws(() => wait([], { returnWhen: 'SOON' as never }), {
    name: 'RangeError',
    message: /returnWhen/,
  });
  assert.throws(() => wait([], { timeout: Number.NaN }), { name: 'RangeError', message: /timeout/ });
});

test('a failed task passed to wait() whose error nobody retrieves is reported when the run ends', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error & { code?: string }): void => {
    if (warning.code === 'ASYNCIO_TS_TASK_EXCEPTION_NEVER_RETRIEVED') warnings.push(warning.message);
  };
  process.on('warning', onWarning);
  try {
    await runVirtual(async () => {
      const failing = async (): Promise<never> => {
        await sleep(1);
        throw new Error('sorted but never looked at');
      };
      const ignored = createTask(failing, { name: 'ignored' });
      const { done } = await wait([ignored]);
      assert.equal(done.size, 1);
      const looked = createTask(failing, { name: 'looked-at' });
      for (const t of (await wait([looked])).done) assert.ok(t.exception() instanceof Error);
    });
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0]!, /"ignored" failed with Error: sorted but never looked at/);
});
