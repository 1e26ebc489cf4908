/**
 * The store of `PriorityQueue`: a binary min-heap ordered by the queue's comparison, ties broken by arrival
 * (so equal priorities come out first in, first out). Items and arrival numbers live in two parallel arrays:
 * no wrapper object per item.
 * @module
 * @internal
 */
import type { ItemStore } from './item-store.js';

/** @internal */
export class BinaryHeap<T> implements ItemStore<T> {
  private readonly items: T[] = [];
  private readonly seqs: number[] = [];
  /** The path of the last sift-down, reused: 2^32 items would need 32 levels. */
  private readonly path = new Int32Array(32);
  private readonly compare: (a: T, b: T) => number;
  private warned = false;
  size = 0;

  constructor(compare: (a: T, b: T) => number) {
    this.compare = compare;
  }

  /**
   * Inserts without touching the arrays until the place is known, so a throwing compare leaves the heap as
   * it was (or, when `tolerant`, counts as a tie).
   */
  push(item: T, seq: number, tolerant: boolean): void {
    const items = this.items;
    const seqs = this.seqs;
    let hole = this.size;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      if (!this.before(item, seq, items[parent]!, seqs[parent]!, tolerant)) break;
      hole = parent;
    }
    // Move the ancestors between the end and the hole down by one level, then fill the hole.
    let at = this.size;
    items.push(item);
    seqs.push(seq);
    while (at > hole) {
      const parent = (at - 1) >> 1;
      items[at] = items[parent]!;
      seqs[at] = seqs[parent]!;
      at = parent;
    }
    items[hole] = item;
    seqs[hole] = seq;
    this.size++;
  }

  /** Removes the root. The sift-down path is found first (compare may throw), then applied. */
  take(): T {
    const items = this.items;
    const seqs = this.seqs;
    const top = items[0]!;
    const last = this.size - 1;
    if (last === 0) {
      items.pop();
      seqs.pop();
      this.size = 0;
      return top;
    }
    const moving = items[last]!;
    const movingSeq = seqs[last]!;
    const path = this.path;
    let depth = 0;
    let hole = 0;
    for (;;) {
      let child = 2 * hole + 1;
      if (child >= last) break;
      const right = child + 1;
      if (right < last && this.before(items[right]!, seqs[right]!, items[child]!, seqs[child]!, false)) {
        child = right;
      }
      if (!this.before(items[child]!, seqs[child]!, moving, movingSeq, false)) break;
      path[depth++] = child;
      hole = child;
    }
    hole = 0;
    for (let i = 0; i < depth; i++) {
      const child = path[i]!;
      items[hole] = items[child]!;
      seqs[hole] = seqs[child]!;
      hole = child;
    }
    items[hole] = moving;
    seqs[hole] = movingSeq;
    items.pop();
    seqs.pop();
    this.size = last;
    return top;
  }

  putBack(item: T, seq: number): void {
    this.push(item, seq, true);
  }

  prefer(a: T, aSeq: number, b: T, bSeq: number): boolean {
    return this.before(a, aSeq, b, bSeq, true);
  }

  clear(): void {
    this.items.length = 0;
    this.seqs.length = 0;
    this.size = 0;
  }

  /** True if (a, aSeq) comes out before (b, bSeq): the smaller by compare, then the earlier arrival. */
  private before(a: T, aSeq: number, b: T, bSeq: number, tolerant: boolean): boolean {
    let order: number;
    if (tolerant) {
      try {
        order = this.compare(a, b);
      } catch (err) {
        // The item is being handed back or added for a put that already resolved: losing it is worse
        // than misordering it. Say so once.
        if (!this.warned) {
          this.warned = true;
          process.emitWarning(
            `PriorityQueue: compare threw while an item was re-inserted (${String(err)}); the item was kept and treated as a tie`,
            { code: 'ASYNCIO_TS_COMPARE_THREW' },
          );
        }
        order = 0;
      }
    } else {
      order = this.compare(a, b);
    }
    return order < 0 || (!(order > 0) && aSeq < bSeq);
  }
}
