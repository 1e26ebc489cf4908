// Issue 11: a queue never holds more than maxsize items (an item reserved for a woken getter keeps its
// slot), and getters and putters are served first come, first served whether they have a signal, run in a
// task, or neither. All three queue kinds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CancelledError,
  checkpoint,
  createTask,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueFull,
  run,
} from 'asyncio-ts';

const KINDS = {
  Queue: (maxsize: number) => new Queue<number>(maxsize),
  LifoQueue: (maxsize: number) => new LifoQueue<number>(maxsize),
  PriorityQueue: (maxsize: number) => new PriorityQueue<number>(maxsize),
};

for (const [name, make] of Object.entries(KINDS)) {
  test(`${name}: a getter cancelled in the turn its item was reserved never leaves maxsize + 1 items`, async () => {
    await run(async () => {
      const q = make(1);
      const getter = createTask(() => q.get());
      await checkpoint();
      q.putNowait(1); // reserved for the getter
      assert.equal(q.full(), true, 'the reserved item still takes its slot');
      assert.throws(() => q.putNowait(2), QueueFull);
      const putter = createTask(() => q.put(3));
      getter.cancel();
      await assert.rejects(
        async () => getter,
        (err: unknown) => err instanceof CancelledError,
      );
      for (let i = 0; i < 3; i++) {
        assert.ok(q.qsize() <= 1, `qsize ${q.qsize()} > maxsize 1`);
        await checkpoint();
      }
      assert.equal(putter.done(), false);
      assert.equal(q.getNowait(), 1, 'the given-back item is not lost');
      await putter;
      assert.equal(q.getNowait(), 3);
      assert.equal(q.qsize(), 0);
    });
  });

  test(`${name}: a woken getter frees its slot for a waiting putter when it takes its item`, async () => {
    await run(async () => {
      const q = make(1);
      const getter = createTask(() => q.get());
      await checkpoint();
      q.putNowait(1);
      const putter = createTask(() => q.put(2));
      assert.equal(await getter, 1);
      await putter;
      assert.equal(q.qsize(), 1);
      assert.equal(q.getNowait(), 2);
    });
  });
}

test('Queue: a getter with a signal and one without (outside every task) get items in the order they waited', async () => {
  const q = new Queue<number>();
  const signal = new AbortController().signal;
  const got: string[] = [];
  const first = q.get({ signal }).then((item) => got.push(`first:${item}`));
  const second = q.get().then((item) => got.push(`second:${item}`));
  const third = q.get({ signal }).then((item) => got.push(`third:${item}`));
  q.putNowait(1);
  q.putNowait(2);
  q.putNowait(3);
  await Promise.all([first, second, third]);
  assert.deepEqual(got, ['first:1', 'second:2', 'third:3']);
});

test('Queue: putters of both kinds, served in one turn, leave their items in arrival order', async () => {
  const q = new Queue<number>(3);
  for (let i = 0; i < 3; i++) q.putNowait(0);
  const signal = new AbortController().signal;
  const puts = [q.put(1, { signal }), q.put(2), q.put(3, { signal })];
  for (let i = 0; i < 3; i++) q.getNowait();
  await Promise.all(puts);
  assert.deepEqual([q.getNowait(), q.getNowait(), q.getNowait()], [1, 2, 3]);
});

test('Queue: a get() that need not wait leaves the items reserved for earlier getters to them', async () => {
  await run(async () => {
    const q = new Queue<number>();
    const waiting = createTask(() => q.get());
    await checkpoint();
    q.putNowait(1); // reserved for `waiting`
    q.putNowait(2);
    assert.equal(q.getNowait(), 2); // the newcomer takes the next item, not the one `waiting` was woken for
    assert.equal(await waiting, 1);
  });
});

test('Queue: a getter served at once by a putter it woke frees the slot for the next waiting putter', async () => {
  // Found by the interleaving property: the waiting putter `b` was never served although the queue was
  // empty (a getter without task or signal took `a` the moment it entered, and nobody re-served putters).
  const q = new Queue<string>(1);
  q.putNowait('x');
  const signal = new AbortController().signal;
  const a = q.put('a', { signal });
  const b = q.put('b', { signal });
  assert.equal(q.getNowait(), 'x'); // the slot is promised to `a`
  const plain = q.get(); // no task, no signal: served the moment `a` enters
  await a;
  assert.equal(await plain, 'a');
  await b;
  assert.equal(q.getNowait(), 'b');
});

test('Queue: a put() never overtakes an earlier put() that was promised a slot but has not resumed', async () => {
  const q = new Queue<number>(2);
  q.putNowait(0);
  q.putNowait(0);
  const signal = new AbortController().signal;
  const first = q.put(1, { signal }); // waits: full
  q.getNowait(); // its slot is promised to `first`
  q.getNowait(); // a second slot is free
  const second = q.put(2); // room, but `first` has not added its item yet: 2 goes in after 1
  await Promise.all([first, second]);
  assert.deepEqual([q.getNowait(), q.getNowait()], [1, 2]);
});
