/**
 * A growable circular buffer: the FIFO store of `Queue`. O(1) push, take and restore at the front, no
 * per-item allocation, and no `Array.prototype.shift` (which is O(n) on large arrays).
 * @module
 * @internal
 */
import type { ItemStore } from './item-store.js';

const INITIAL_CAPACITY = 16;

/** @internal */
export class RingBuffer<T> implements ItemStore<T> {
  /** Capacity is a power of two, so wrapping is a mask. Free slots hold `undefined` (nothing is retained). */
  private items: (T | undefined)[] = new Array<T | undefined>(INITIAL_CAPACITY).fill(undefined);
  private mask = INITIAL_CAPACITY - 1;
  /** Index of the oldest item. */
  private head = 0;
  size = 0;

  push(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) & this.mask] = item;
    this.size++;
  }

  take(_tolerant: boolean, reserved: number): T {
    if (reserved !== 0) return this.takeAfter(reserved);
    const items = this.items;
    const head = this.head;
    const item = items[head] as T;
    items[head] = undefined;
    this.head = (head + 1) & this.mask;
    this.size--;
    return item;
  }

  /** Puts an item back at the front, ahead of every other. */
  restore(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.head = (this.head - 1) & this.mask;
    this.items[this.head] = item;
    this.size++;
  }

  /** Takes the item after the first `reserved` ones and moves those up by one: O(reserved), rarely > 1. */
  private takeAfter(reserved: number): T {
    const items = this.items;
    const mask = this.mask;
    const head = this.head;
    const item = items[(head + reserved) & mask] as T;
    for (let i = reserved; i > 0; i--) items[(head + i) & mask] = items[(head + i - 1) & mask];
    items[head] = undefined;
    this.head = (head + 1) & mask;
    this.size--;
    return item;
  }

  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.size = 0;
  }

  private grow(): void {
    const old = this.items;
    const capacity = old.length * 2;
    const items = new Array<T | undefined>(capacity).fill(undefined);
    for (let i = 0; i < this.size; i++) items[i] = old[(this.head + i) & this.mask];
    this.items = items;
    this.mask = capacity - 1;
    this.head = 0;
  }
}
