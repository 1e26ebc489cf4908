/**
 * The store of `PriorityQueue`: a binary min-heap ordered by the queue's comparison, ties broken by arrival
 * (so equal priorities come out first in, first out). Items and arrival numbers live in two parallel arrays:
 * no wrapper object per item. Each operation finds where to move things before moving anything, so a
 * comparison that throws leaves the heap as it was.
 * @module
 * @internal
 */
import type { ItemStore } from './item-store.js';

/** @internal */
export class BinaryHeap<T> implements ItemStore<T> {
  private readonly items: T[] = [];
  private readonly seqs: number[] = [];
  /** The path of the current sift-down, reused: 2^32 items would need 32 levels. */
  private readonly path = new Int32Array(32);
  private readonly compare: (a: T, b: T) => number;
  /** Arrival number of the next item. */
  private nextSeq = 0;
  /** Arrival number of the last item taken, so that `restore` puts it back exactly where it was. */
  private lastTakenSeq = 0;
  private warned = false;
  size = 0;

  constructor(compare: (a: T, b: T) => number) {
    this.compare = compare;
  }

  push(item: T, tolerant: boolean): void {
    this.insert(item, this.nextSeq, tolerant);
    this.nextSeq++;
  }

  take(tolerant: boolean): T {
    const items = this.items;
    const seqs = this.seqs;
    const top = items[0]!;
    const topSeq = seqs[0]!;
    const last = this.size - 1;
    if (last > 0) {
      // Sift the last item down from the root: find the path first, then move.
      const moving = items[last]!;
      const movingSeq = seqs[last]!;
      const path = this.path;
      let depth = 0;
      let hole = 0;
      for (;;) {
        let child = 2 * hole + 1;
        if (child >= last) break;
        const right = child + 1;
        if (right < last && this.before(items[right]!, seqs[right]!, items[child]!, seqs[child]!, tolerant)) {
          child = right;
        }
        if (!this.before(items[child]!, seqs[child]!, moving, movingSeq, tolerant)) break;
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
    }
    items.pop();
    seqs.pop();
    this.size = last;
    this.lastTakenSeq = topSeq;
    return top;
  }

  restore(item: T): void {
    this.insert(item, this.lastTakenSeq, true);
  }

  clear(): void {
    this.items.length = 0;
    this.seqs.length = 0;
    this.size = 0;
  }

  private insert(item: T, seq: number, tolerant: boolean): void {
    const items = this.items;
    const seqs = this.seqs;
    let hole = this.size;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      if (!this.before(item, seq, items[parent]!, seqs[parent]!, tolerant)) break;
      hole = parent;
    }
    // Move the ancestors between the new end and the hole down one level, then fill the hole.
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

  /** True if (a, aSeq) comes out before (b, bSeq): the smaller by compare, then the earlier arrival. */
  private before(a: T, aSeq: number, b: T, bSeq: number, tolerant: boolean): boolean {
    let order: number;
    if (tolerant) {
      try {
        order = this.compare(a, b);
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
        order = 0;
      }
    } else {
      order = this.compare(a, b);
    }
    return order < 0 || (!(order > 0) && aSeq < bSeq);
  }
}
