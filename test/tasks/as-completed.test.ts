import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asCompleted, createTask, sleep, type Task, TimeoutError } from 'asyncio-ts';
import { assertNoTimers } from '../helpers/leaks.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('yields in completion order', async () => {
  await runVirtual(async () => {
    const order: string[] = [];
    for await (const done of asCompleted([
      () => sleep(40, 'slow'),
      () => sleep(5, 'fast'),
      () => sleep(20, 'mid'),
    ])) {
      order.push(await done);
    }
    assert.deepEqual(order, ['fast', 'mid', 'slow']);
  });
  await assertNoTimers();
});

test('yields tasks and promises as passed in, settled', async () => {
  await runVirtual(async () => {
    const task = createTask(() => sleep(10, 't'));
    const promise = Promise.resolve('p');
    const seen: unknown[] = [];
    for await (const done of asCompleted<string>([task, promise])) seen.push(done);
    assert.deepEqual(seen, [promise, task]);
  });
});

test('throws TimeoutError when the timeout passes with items left, and cancels the tasks it started', async () => {
  await runVirtual(async () => {
    const seen: string[] = [];
    const started: Task<unknown>[] = [];
    await assert.rejects(async () => {
      for await (const done of asCompleted([() => sleep(5, 'fast'), () => sleep(10_000, 'slow')], {
        timeout: 40,
      })) {
        // TypeScript types a for-await element as the awaited value; at run time it is the settled task.
        started.push(done as unknown as Task<unknown>);
        seen.push(await done);
      }
    }, TimeoutError);
    assert.deepEqual(seen, ['fast']);
    assert.equal(started[0]?.done(), true);
  });
  await assertNoTimers();
});

test('breaking out early cancels the tasks it started', async () => {
  let cleaned = false;
  await runVirtual(async () => {
    for await (const done of asCompleted<unknown>([
      () => sleep(1, 'first'),
      async () => {
        try {
          await sleep(10_000);
        } finally {
          cleaned = true;
        }
      },
    ])) {
      assert.equal(await done, 'first');
      break;
    }
    await sleep(1);
    assert.equal(cleaned, true);
  });
});

test('bad arguments', () => {
  assert.throws(() => asCompleted(3 as never), { name: 'TypeError', message: /asCompleted: awaitables/ });
  assert.throws(() => asCompleted([], { timeout: Number.NaN }), { name: 'RangeError' });
});

test('the same task or promise given twice is yielded once', async () => {
  await runVirtual(async () => {
    const task = createTask(() => sleep(5, 'task'));
    const promise = Promise.resolve('promise');
    const values: string[] = [];
    for await (const done of asCompleted<string>([task, promise, task, promise])) values.push(await done);
    assert.deepEqual(values.sort(), ['promise', 'task']);
  });
});
