import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { CancelledError, checkpoint, createTask, LifoQueue, Queue, run } from 'asyncio-ts';

test('items come out last in, first out (test_order of LifoQueueTests)', async () => {
  const q = new LifoQueue<number>();
  for (const i of [1, 3, 2]) await q.put(i);
  assert.deepEqual([await q.get(), await q.get(), await q.get()], [2, 3, 1]);
});

test('is a Queue: bounds, waiting, join and inspect work the same', async () => {
  await run(async () => {
    const q = new LifoQueue<string>(2);
    assert.ok(q instanceof Queue);
    assert.equal(inspect(q), '<LifoQueue qsize=0 maxsize=2 unfinished=0>');
    await q.put('a');
    await q.put('b');
    const putter = createTask(() => q.put('c'));
    await checkpoint();
    assert.equal(q.full(), true);
    assert.equal(q.getNowait(), 'b'); // frees the slot promised to 'c'
    await putter;
    assert.deepEqual([q.getNowait(), q.getNowait()], ['c', 'a']);
    for (let i = 0; i < 3; i++) q.taskDone();
    await q.join();
  });
});

test('a getter woken for the top item and cancelled before it resumes leaves it on top', async () => {
  await run(async () => {
    const q = new LifoQueue<number>();
    const getter = createTask(() => q.get());
    await checkpoint();
    q.putNowait(1); // woken: the getter will take the top item when it resumes
    getter.cancel();
    await assert.rejects(
      async () => getter,
      (err: unknown) => err instanceof CancelledError,
    );
    q.putNowait(2);
    assert.deepEqual([q.getNowait(), q.getNowait()], [2, 1]);
  });
});

test('woken getters take the top item when they resume, as asyncio does', async () => {
  await run(async () => {
    const q = new LifoQueue<number>();
    const getters = [createTask(() => q.get()), createTask(() => q.get())];
    await checkpoint();
    // One turn: two items put while two getters wait. The first getter to resume pops the top.
    q.putNowait(1);
    q.putNowait(2);
    assert.deepEqual(await Promise.all(getters), [2, 1]);
  });
});

test('maxsize is checked and named after the class', () => {
  assert.throws(() => new LifoQueue(-1), { name: 'RangeError', message: /^LifoQueue: maxsize/ });
});
