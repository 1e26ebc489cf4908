import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { CancelledError, checkpoint, createTask, PriorityQueue, Queue, run } from 'asyncio-ts';

function drain<T>(q: PriorityQueue<T>): T[] {
  const out: T[] = [];
  while (!q.empty()) out.push(q.getNowait());
  return out;
}

test('numbers come out smallest first (test_order of PriorityQueueTests)', async () => {
  const q = new PriorityQueue<number>();
  for (const i of [1, 3, 2]) await q.put(i);
  assert.deepEqual([await q.get(), await q.get(), await q.get()], [1, 2, 3]);
});

test('[priority, item] entries order as Python tuples; equal entries keep insertion order', () => {
  const q = new PriorityQueue<[number, string, { id: number }]>();
  const entries: [number, string, { id: number }][] = [
    [2, 'b', { id: 0 }],
    [1, 'z', { id: 1 }],
    [2, 'a', { id: 2 }],
    [2, 'b', { id: 3 }],
    [0, 'x', { id: 4 }],
    [2, 'b', { id: 5 }],
  ];
  for (const entry of entries) q.putNowait(entry);
  // Ties on [priority, name] fall to the objects, which do not order: insertion order decides (Python
  // would raise TypeError comparing two dicts).
  assert.deepEqual(
    drain(q).map((e) => e[2].id),
    [4, 1, 2, 0, 3, 5],
  );
});

test('the default order: numbers, bigints, strings, dates, arrays (shorter prefix first), then by kind', () => {
  const q = new PriorityQueue<unknown>();
  const later = new Date(2030, 0, 1);
  const earlier = new Date(2020, 0, 1);
  const values: unknown[] = [
    'b',
    3n,
    [1, 2],
    later,
    'a',
    Number.NaN,
    -1,
    [1],
    { o: 1 },
    earlier,
    2.5,
    null,
    [0, 9],
    true,
  ];
  for (const v of values) q.putNowait(v);
  assert.deepEqual(drain(q), [
    -1,
    true,
    2.5,
    3n,
    Number.NaN,
    'a',
    'b',
    earlier,
    later,
    [0, 9],
    [1],
    [1, 2],
    { o: 1 },
    null,
  ]);
});

test('a large random workload of puts and gets matches a sorted-array model (sorted and stable)', () => {
  const q = new PriorityQueue<[number, number]>();
  const model: [number, number][] = [];
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const got: [number, number][] = [];
  const expected: [number, number][] = [];
  for (let i = 0; i < 5000; i++) {
    const entry: [number, number] = [Math.floor(random() * 50), i]; // many equal priorities
    q.putNowait(entry);
    model.push(entry);
    if (random() < 0.3) {
      got.push(q.getNowait());
      model.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      expected.push(model.shift()!);
    }
  }
  got.push(...drain(q));
  expected.push(...model.sort((a, b) => a[0] - b[0] || a[1] - b[1]));
  assert.deepEqual(got, expected);
});

test('a custom compare orders the items; ties stay first in, first out', () => {
  const q = new PriorityQueue<{ deadline: number; name: string }>(0, (a, b) => a.deadline - b.deadline);
  q.putNowait({ deadline: 30, name: 'c' });
  q.putNowait({ deadline: 10, name: 'a1' });
  q.putNowait({ deadline: 20, name: 'b' });
  q.putNowait({ deadline: 10, name: 'a2' });
  assert.deepEqual(
    drain(q).map((x) => x.name),
    ['a1', 'a2', 'b', 'c'],
  );
  const maxFirst = new PriorityQueue<number>(0, (a, b) => b - a);
  for (const n of [1, 5, 3]) maxFirst.putNowait(n);
  assert.deepEqual(drain(maxFirst), [5, 3, 1]);
});

test('a compare that throws fails that put or get and leaves the queue unchanged', async () => {
  const boom = new Error('cannot compare');
  let armed = false;
  const q = new PriorityQueue<number>(0, (a, b) => {
    if (armed) throw boom;
    return a - b;
  });
  for (const n of [5, 1, 4, 2, 3]) q.putNowait(n);
  armed = true;
  assert.throws(
    () => q.putNowait(0),
    (err: unknown) => err === boom,
  );
  await assert.rejects(q.put(0), (err: unknown) => err === boom);
  assert.throws(
    () => q.getNowait(),
    (err: unknown) => err === boom,
  );
  await assert.rejects(q.get(), (err: unknown) => err === boom);
  assert.equal(q.qsize(), 5);
  assert.equal(q.statistics().unfinishedTasks, 5);
  armed = false;
  assert.deepEqual(drain(q), [1, 2, 3, 4, 5]);
});

test('a getter woken for the smallest item and cancelled before it resumes leaves it first', async () => {
  await run(async () => {
    const q = new PriorityQueue<number>();
    const getter = createTask(() => q.get());
    const next = createTask(() => q.get());
    await checkpoint();
    q.putNowait(5); // reserved for `getter`
    getter.cancel(); // its wake-up passes to `next`
    q.putNowait(7);
    await assert.rejects(
      async () => getter,
      (err: unknown) => err instanceof CancelledError,
    );
    assert.equal(await next, 5);
    assert.equal(q.getNowait(), 7);
  });
});

test('is a Queue; arguments are checked', () => {
  const q = new PriorityQueue<number>(3);
  assert.ok(q instanceof Queue);
  assert.equal(inspect(q), '<PriorityQueue qsize=0 maxsize=3 unfinished=0>');
  assert.throws(() => new PriorityQueue(0, 'desc' as never), {
    name: 'TypeError',
    message: /PriorityQueue: compare must be a function, received string "desc"/,
  });
  assert.throws(() => new PriorityQueue(-2), { name: 'RangeError', message: /^PriorityQueue: maxsize/ });
});
