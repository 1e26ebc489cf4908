/**
 * The library's one binary min-heap: the timers of both clocks (`DeadlineHeap`, `clock.ts`) and the store of
 * `PriorityQueue` are subclasses. A subclass gives the order as a method (`compare`), not a callback, so the
 * call is monomorphic wherever one kind of heap is hot (the real clock under `sleep`/`timeout`), and may
 * override `placed` to learn each item's index (timer entries keep theirs, for O(log n) removal).
 *
 * Ties are broken by arrival: items and their arrival numbers live in two parallel arrays (no wrapper object
 * per item), so equal keys come out first in, first out. A comparison that throws (a user's, in
 * `PriorityQueue`) leaves the heap as it was: a rise compares before it moves anything, a sinking moves as it
 * goes and, if a comparison throws, moves its path back.
 * @module
 * @internal
 */

/** @internal */
export abstract class BinaryHeap<T> {
  /** Number of items: a plain field, read it but never write it. */
  size = 0;
  protected readonly items: T[] = [];
  /** Arrival number of each item, parallel to `items`. */
  private readonly seqs: number[] = [];
  private nextSeq = 0;
  /** Arrival number of the last item popped, so that `restore` puts it back exactly where it was. */
  private poppedSeq = 0;

  /** The order: negative if `a` comes out before `b`, positive if after; 0 (or NaN) is a tie. */
  protected abstract compare(a: T, b: T): number;

  /** Told each time an item lands at `index`, and with -1 when it leaves the heap. */
  protected placed(_item: T, _index: number): void {}

  /** The item that comes out next, without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** The item at `index` (for a caller that tracks indices through `placed`). */
  at(index: number): T | undefined {
    return this.items[index];
  }

  push(item: T): void {
    this.insert(item, this.nextSeq);
    this.nextSeq++;
  }

  /** Removes and returns the item that comes out next. */
  pop(): T | undefined {
    if (this.size === 0) return undefined;
    const top = this.items[0]!;
    const seq = this.seqs[0]!;
    this.removeAt(0);
    this.poppedSeq = seq;
    return top;
  }

  /** Puts back the item last popped (nothing pushed since) with its old arrival number: it is next again. */
  restore(item: T): void {
    this.insert(item, this.poppedSeq);
  }

  /** Removes the item at `index` in O(log n). */
  removeAt(index: number): void {
    const items = this.items;
    const seqs = this.seqs;
    const removed = items[index]!;
    const last = this.size - 1;
    if (index < last) {
      // The last item fills the gap: it sinks from there, or else rises.
      const moving = items[last]!;
      const movingSeq = seqs[last]!;
      const removedSeq = seqs[index]!;
      let hole = index;
      try {
        for (;;) {
          let child = 2 * hole + 1;
          if (child >= last) break;
          const right = child + 1;
          if (right < last && this.before(items[right]!, seqs[right]!, items[child]!, seqs[child]!)) {
            child = right;
          }
          if (!this.before(items[child]!, seqs[child]!, moving, movingSeq)) break;
          this.move(child, hole);
          hole = child;
        }
        if (hole === index) {
          hole = this.holeAbove(index, moving, movingSeq);
          this.shiftDown(index, hole);
        }
      } catch (err) {
        // Only a sinking step can throw after moving anything: move its path back down, as it was.
        this.shiftDown(hole, index);
        items[index] = removed;
        seqs[index] = removedSeq;
        this.placed(removed, index);
        throw err;
      }
      items[hole] = moving;
      seqs[hole] = movingSeq;
      this.placed(moving, hole);
    }
    items.pop();
    seqs.pop();
    this.size = last;
    this.placed(removed, -1);
  }

  /** Drops every item. */
  clear(): void {
    for (let i = 0; i < this.size; i++) this.placed(this.items[i]!, -1);
    this.items.length = 0;
    this.seqs.length = 0;
    this.size = 0;
  }

  private insert(item: T, seq: number): void {
    const at = this.size;
    const hole = this.holeAbove(at, item, seq);
    this.items.push(item);
    this.seqs.push(seq);
    if (hole < at) {
      this.shiftDown(at, hole);
      this.items[hole] = item;
      this.seqs[hole] = seq;
    }
    this.placed(item, hole);
    this.size = at + 1;
  }

  /** Where (item, seq) would go on the way from `from` to the root. */
  private holeAbove(from: number, item: T, seq: number): number {
    const items = this.items;
    const seqs = this.seqs;
    let hole = from;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      if (!this.before(item, seq, items[parent]!, seqs[parent]!)) break;
      hole = parent;
    }
    return hole;
  }

  /** Moves the ancestors of `from`, up to and including `hole`, down one level each. */
  private shiftDown(from: number, hole: number): void {
    let at = from;
    while (at > hole) {
      const parent = (at - 1) >> 1;
      this.move(parent, at);
      at = parent;
    }
  }

  private move(from: number, to: number): void {
    const item = this.items[from]!;
    this.items[to] = item;
    this.seqs[to] = this.seqs[from]!;
    this.placed(item, to);
  }

  /** True if (a, aSeq) comes out before (b, bSeq): the smaller by `compare`, then the earlier arrival. */
  private before(a: T, aSeq: number, b: T, bSeq: number): boolean {
    const order = this.compare(a, b);
    return order < 0 || (!(order > 0) && aSeq < bSeq);
  }
}
