/**
 * The storage contract behind `Queue`, `LifoQueue` and `PriorityQueue`: the queue classes share every
 * waiting, grant and shutdown rule and differ only in which stored item comes out next.
 * @module
 * @internal
 */

/**
 * Where a queue keeps the items nobody is waiting for. Each item comes with its arrival number `seq`
 * (strictly increasing over the queue's life), which orders hand-backs and breaks priority ties.
 * @internal
 */
export interface ItemStore<T> {
  /** Number of stored items. A plain field in every implementation (read on the hot path). */
  size: number;
  /**
   * Stores a newly put item. Only a user-supplied comparison can throw; the store is then left unchanged.
   * With `tolerant`, a throwing comparison counts as a tie instead (used where an error has nobody to reach).
   */
  push(item: T, seq: number, tolerant: boolean): void;
  /** Removes and returns the item to deliver next (`size > 0`). A throwing comparison leaves the store unchanged. */
  take(): T;
  /**
   * Gives back an item that was handed to a getter who was cancelled before receiving it. It is older than
   * every stored item except earlier hand-backs, and is placed as if it had never left. Never throws.
   */
  putBack(item: T, seq: number): void;
  /** True if `a` should be delivered before `b` (never throws). */
  prefer(a: T, aSeq: number, b: T, bSeq: number): boolean;
  /** Drops every item (`shutdown(true)`). */
  clear(): void;
}
