// Issue 11: numbers given to the primitives are checked at the call: null, NaN, negative, fractional or
// infinite values are a TypeError or RangeError naming the argument, never a silent default.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  LifoQueue,
  PriorityQueue,
  Queue,
  RateLimiter,
  Semaphore,
} from 'asyncio-ts';

const constructors: Array<[string, (value: unknown) => unknown]> = [
  ['Semaphore: value', (v) => new Semaphore(v as number)],
  ['BoundedSemaphore: value', (v) => new BoundedSemaphore(v as number)],
  ['RateLimiter: rate', (v) => new RateLimiter(v as number, 1000)],
  ['RateLimiter: perMs', (v) => new RateLimiter(1, v as number)],
  ['Queue: maxsize', (v) => new Queue(v as number)],
  ['LifoQueue: maxsize', (v) => new LifoQueue(v as number)],
  ['PriorityQueue: maxsize', (v) => new PriorityQueue(v as number)],
  ['Barrier: parties', (v) => new Barrier(v as number)],
  ['Condition.notify: n', (v) => new Condition().notify(v as number)],
];

for (const [where, make] of constructors) {
  test(`${where} refuses null, NaN, negative and fractional values at the call`, () => {
    const [prefix, name] = where.split(': ') as [string, string];
    assert.throws(
      () => make(null),
      (err: unknown) => {
        assert.ok(err instanceof TypeError, `null: ${String(err)}`);
        assert.match(
          err.message,
          new RegExp(`^${prefix.replace('.', '\\.')}: ${name} must be .*received null`),
        );
        return true;
      },
    );
    // Milliseconds may be fractional, but not zero or infinite; counts must be whole.
    const bads =
      name === 'perMs' ? [Number.NaN, -1, 0, Number.POSITIVE_INFINITY, '2'] : [Number.NaN, -1, 1.5, '2'];
    for (const bad of bads) {
      assert.throws(
        () => make(bad),
        (err: unknown) =>
          (err instanceof RangeError || err instanceof TypeError) && err.message.includes(name),
        `${where} accepted ${String(bad)}`,
      );
    }
  });
}
