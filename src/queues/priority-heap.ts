/**
 * The store of `PriorityQueue`: the core's {@link BinaryHeap} ordered by the queue's comparison, ties broken
 * by arrival (so equal priorities come out first in, first out). The heap moves nothing before every
 * comparison of an operation is made, so a comparison that throws leaves the store as it was.
 * @module
 * @internal
 */
import { BinaryHeap } from '../core/binary-heap.js';
import type { ItemStore } from './item-store.js';

/** @internal */
export class PriorityHeap<T> extends BinaryHeap<T> implements ItemStore<T> {
  private readonly order: (a: T, b: T) => number;
  /** Whether a throwing comparison counts as a tie in the current operation (see `ItemStore.push`). */
  private tolerant = false;
  private warned = false;

  constructor(order: (a: T, b: T) => number) {
    super();
    this.order = order;
  }

  override push(item: T, tolerant = false): void {
    this.tolerant = tolerant;
    super.push(item);
  }

  take(tolerant: boolean): T {
    this.tolerant = tolerant;
    return this.pop()!;
  }

  override restore(item: T): void {
    this.tolerant = true;
    super.restore(item);
  }

  protected compare(a: T, b: T): number {
    if (!this.tolerant) return this.order(a, b);
    try {
      return this.order(a, b);
    } catch (err) {
      // Used where the error would reach nobody (an item entering for a put that already resolved, or
      // going back for a cancelled getter): losing the item is worse than misordering it. Say so once.
      if (!this.warned) {
        this.warned = true;
        process.emitWarning(
          `PriorityQueue: compare threw (${String(err)}); the item was kept and the comparison treated as a tie`,
          { code: 'ASYNCIO_TS_COMPARE_THREW' },
        );
      }
      return 0;
    }
  }
}
