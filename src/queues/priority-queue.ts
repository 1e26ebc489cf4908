/**
 * `PriorityQueue<T>`: a `Queue` that returns the smallest item first, as asyncio.PriorityQueue.
 * @module
 */
import { checkFunction } from '../core/validate.js';
import { naturalCompare } from './natural-compare.js';
import { PriorityHeap } from './priority-heap.js';
import { Queue } from './queue.js';

/**
 * A priority queue (asyncio.PriorityQueue): `get()` returns the smallest item first; items that compare
 * equal come out in the order they were put (stable). Everything else (bounds, waiting, `taskDone`/`join`,
 * `shutdown`, cancellation safety) is as {@link Queue}.
 *
 * The default order compares numbers (and bigints) numerically, strings by code unit, dates by time, and
 * arrays lexicographically, so `[priority, item]` entries work as Python tuples do; values it cannot order
 * (plain objects, null, undefined) tie, so `[1, { job }]` entries with equal priorities keep their insertion
 * order instead of failing as in Python. Values of different kinds order by kind (numbers before strings).
 * Pass `compare(a, b)` (negative when `a` comes first, as for `Array.prototype.sort`) for anything else.
 *
 * @example
 * ```ts
 * import { PriorityQueue } from 'asyncio-ts';
 * const queue = new PriorityQueue<[number, string]>();
 * queue.putNowait([2, 'write report']);
 * queue.putNowait([1, 'fix outage']);
 * queue.putNowait([2, 'reply to mail']);
 * queue.getNowait(); // [1, 'fix outage']
 * queue.getNowait(); // [2, 'reply to mail']: arrays compare element by element
 *
 * const fifoTies = new PriorityQueue<[number, { job: string }]>();
 * fifoTies.putNowait([1, { job: 'first' }]);
 * fifoTies.putNowait([1, { job: 'second' }]); // objects do not order: equal priorities stay FIFO
 * fifoTies.getNowait(); // [1, { job: 'first' }]
 *
 * const byDeadline = new PriorityQueue<{ deadline: number }>(0, (a, b) => a.deadline - b.deadline);
 * ```
 */
export class PriorityQueue<T> extends Queue<T> {
  /**
   * @param maxsize - the most items the queue holds before `put()` waits; 0 (the default) for unbounded.
   * @param compare - the order: negative if `a` comes out before `b`, positive if after, 0 for a tie. It
   *   must be consistent and should not throw: if it throws in `put`/`get`, that call fails and the queue
   *   is unchanged.
   * @throws RangeError if `maxsize` is not an integer >= 0; TypeError if `compare` is not a function.
   */
  constructor(maxsize = 0, compare?: (a: T, b: T) => number) {
    super(maxsize);
    if (compare !== undefined) checkFunction(compare, 'compare', 'PriorityQueue');
    this.store = new PriorityHeap<T>(compare ?? naturalCompare);
  }
}
