/**
 * The storage contract behind `Queue`, `LifoQueue` and `PriorityQueue`: the queue classes share every
 * waiting, grant and shutdown rule and differ only in which stored item comes out next.
 * @module
 * @internal
 */

/**
 * Where a queue keeps its items, including those reserved for getters that were woken but have not taken
 * theirs yet (they take it when their grant is delivered).
 * @internal
 */
export interface ItemStore<T> {
  /** Number of stored items. A plain field in every implementation (read on the hot path). */
  size: number;
  /**
   * Stores an item. Only a user-supplied comparison can throw, and then the store is left unchanged; with
   * `tolerant` a throwing comparison counts as a tie instead (where the error would reach nobody).
   */
  push(item: T, tolerant: boolean): void;
  /**
   * Removes and returns the item to deliver next (`size > reserved`); the same rules for a throwing
   * comparison. `reserved` items are promised to getters already woken, which take theirs when their grant
   * is delivered: a FIFO store leaves the first `reserved` items for them (they waited longer); in a LIFO or
   * priority store the order of taking is the store's own order, so it ignores `reserved`.
   */
  take(tolerant: boolean, reserved: number): T;
  /** Undoes the last `take()` (its getter was cancelled before receiving the item): the item is next again. */
  restore(item: T): void;
  /** Drops every item (`shutdown(true)`). */
  clear(): void;
}
