/**
 * `LifoQueue<T>`: a `Queue` that returns the most recently added item first (a stack), as asyncio.LifoQueue.
 * @module
 */
import type { ItemStore } from './item-store.js';
import { Queue } from './queue.js';

/** The LIFO store: an array used as a stack. @internal */
class Stack<T> implements ItemStore<T> {
  private readonly items: T[] = [];
  size = 0;

  push(item: T): void {
    this.items.push(item);
    this.size++;
  }

  take(): T {
    this.size--;
    return this.items.pop() as T;
  }

  restore(item: T): void {
    this.push(item);
  }

  clear(): void {
    this.items.length = 0;
    this.size = 0;
  }
}

/**
 * A last-in, first-out queue (asyncio.LifoQueue): `get()` returns the most recently added item. Everything
 * else (bounds, waiting, `taskDone`/`join`, `shutdown`, cancellation safety) is as {@link Queue}.
 *
 * @example
 * ```ts
 * import { LifoQueue } from 'asyncio-ts';
 * const stack = new LifoQueue<number>();
 * for (const n of [1, 2, 3]) stack.putNowait(n);
 * [stack.getNowait(), stack.getNowait(), stack.getNowait()]; // [3, 2, 1]
 * ```
 */
export class LifoQueue<T> extends Queue<T> {
  /**
   * @param maxsize - the most items the queue holds before `put()` waits; 0 (the default) for unbounded.
   * @throws RangeError if `maxsize` is not an integer >= 0.
   */
  constructor(maxsize = 0) {
    super(maxsize);
    this.store = new Stack<T>();
  }
}
