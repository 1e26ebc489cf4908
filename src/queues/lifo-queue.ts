/**
 * `LifoQueue<T>`: a `Queue` that returns the most recently added item first (a stack), as asyncio.LifoQueue.
 * @module
 */
import type { ItemStore } from './item-store.js';
import { Queue } from './queue.js';

/**
 * The LIFO store: an array used as a stack. Items handed back by cancelled getters are older than every other
 * stored item, so they sit at the bottom, ordered among themselves by arrival.
 * @internal
 */
class Stack<T> implements ItemStore<T> {
  private readonly items: T[] = [];
  /** Arrival numbers of the handed-back items at the bottom of the stack, ascending. Usually empty. */
  private readonly returnedSeqs: number[] = [];
  size = 0;

  push(item: T): void {
    this.items.push(item);
    this.size++;
  }

  take(): T {
    const item = this.items.pop() as T;
    this.size--;
    if (this.size < this.returnedSeqs.length) this.returnedSeqs.pop();
    return item;
  }

  putBack(item: T, seq: number): void {
    const seqs = this.returnedSeqs;
    let at = 0;
    while (at < seqs.length && seqs[at]! < seq) at++;
    seqs.splice(at, 0, seq);
    this.items.splice(at, 0, item);
    this.size++;
  }

  /** LIFO: the newer item first. */
  prefer(_a: T, aSeq: number, _b: T, bSeq: number): boolean {
    return aSeq > bSeq;
  }

  clear(): void {
    this.items.length = 0;
    this.returnedSeqs.length = 0;
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
