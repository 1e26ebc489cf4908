/**
 * `Queue<T>`: asyncio.Queue for async/await, with backpressure (`maxsize`), `taskDone()`/`join()`, asyncio
 * 3.13's `shutdown()`, and cancellation that never loses or duplicates an item (DESIGN principle 5).
 *
 * How items move (asyncio's own protocol, on the core's tentative grants). A put while getters wait stores
 * the item and wakes the longest-waiting getter with a tentative grant; that item is now reserved: it no
 * longer counts in `qsize()` and no other getter can take it, but it still occupies its slot (`full()`), so
 * the queue never holds more than `maxsize` items even if the getter gives it back. When the grant is
 * delivered (a microtask later), the getter takes the item at the head of the queue, so items leave in
 * exactly the order of the queue (a `get()` that does not wait takes the first item after the reserved
 * ones). A getter cancelled before that hands its wake-up to the next getter, and the item stays at the
 * head. Symmetrically, a `put()` on a full queue waits; a slot freed by a `get()` is promised to the
 * longest-waiting putter, whose item enters the queue when its grant is delivered; a putter cancelled in
 * between adds nothing and the slot goes to the next putter. `LifoQueue` and `PriorityQueue` change only the
 * store (`ItemStore`): which stored item comes out next.
 * @module
 */

import { inspect } from 'node:util';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { QueueEmpty, QueueFull, QueueShutDown } from '../core/errors.js';
import type { SignalOptions } from '../core/signal-options.js';
import { checkInteger, describe } from '../core/validate.js';
import { Waiter, WaiterQueue } from '../core/waiter.js';
import { signalOf } from '../sync/options.js';
import type { ItemStore } from './item-store.js';
import type { QueueLike } from './queue-like.js';
import { itemsUntilShutDown } from './queue-like.js';
import { RingBuffer } from './ring-buffer.js';

/**
 * Options of the waiting calls `get`, `put` and `join`.
 * @deprecated Use `SignalOptions` (the one options type of every waiting call); removed in the next release.
 */
export type QueueWaitOptions = SignalOptions;

/**
 * `'open'`, then `'shut-down'` after `shutdown()` (puts fail, gets drain what is left), or
 * `'shut-down-immediate'` after `shutdown(true)` (the queue was emptied; puts and gets fail).
 */
export type QueueState = 'open' | 'shut-down' | 'shut-down-immediate';

/** A snapshot of a queue, from {@link Queue.statistics}. */
export interface QueueStatistics {
  /** Items in the queue (`qsize()`). */
  qsize: number;
  /** The bound given to the constructor (0: unbounded). */
  maxsize: number;
  /** Items put and not yet marked done with `taskDone()`: `join()` waits for this to reach 0. */
  unfinishedTasks: number;
  /** Calls waiting in `get()`. */
  getters: number;
  /** Calls waiting in `put()` (the queue is full). */
  putters: number;
  /** Calls waiting in `join()`. */
  joiners: number;
  state: QueueState;
}

const ALIVE = 0;
const SHUT_DOWN = 1;
const SHUT_DOWN_IMMEDIATE = 2;
type StateCode = typeof ALIVE | typeof SHUT_DOWN | typeof SHUT_DOWN_IMMEDIATE;
const STATE_NAMES: readonly QueueState[] = ['open', 'shut-down', 'shut-down-immediate'];

/** `Waiter.state` of a grant made but not yet delivered. */
const GRANTED = 1;

/** One shared settled promise for every `put()` and `join()` that need not wait: no allocation. */
const RESOLVED: Promise<void> = Promise.resolve();

/** @internal A `get()` waiting for an item, then woken with one reserved for it until the grant is delivered. */
class GetWaiter<T> extends Waiter<T> {
  /** True while `deliver` hands over the item it took (a cancellation found then must put it back). */
  private holding = false;
  private readonly owner: Queue<T>;

  constructor(owner: Queue<T>) {
    super('Queue.get');
    this.owner = owner;
  }

  override deliver(): void {
    if (this.state !== GRANTED) return;
    const owner = this.owner;
    // asyncio 3.13: shutdown(immediate=True) dropped every item, so the one reserved for this getter too.
    if (owner.stateCode === SHUT_DOWN_IMMEDIATE) {
      this.cancel(new QueueShutDown());
      return;
    }
    this.value = owner.takeReserved();
    this.holding = true;
    super.deliver(); // resolves, or finds the task cancelled and calls revoke(item)
    this.holding = false;
    owner.slotFreed();
  }

  protected override revoke(item: T): void {
    const holding = this.holding;
    this.holding = false;
    this.owner.getterGaveUp(holding, item);
  }
}

/** @internal A `put()` waiting for a free slot, then holding a promised slot until it is delivered. */
class PutWaiter<T> extends Waiter<void> {
  readonly item: T;
  /** Set when the promised slot was handed back (cancelled or shut down before delivery). */
  revoked = false;
  private readonly owner: Queue<T>;

  constructor(owner: Queue<T>, item: T) {
    super('Queue.put');
    this.owner = owner;
    this.item = item;
  }

  override deliver(): void {
    if (this.state !== GRANTED) return;
    // asyncio 3.13: a putter woken by shutdown() raises QueueShutDown and adds nothing.
    if (this.owner.stateCode !== ALIVE) {
      this.cancel(new QueueShutDown());
      return;
    }
    super.deliver();
    if (!this.revoked) this.owner.commitPromised(this.item);
  }

  protected override revoke(): void {
    this.revoked = true;
    this.owner.releasePromisedSlot();
  }
}

/**
 * A first-in, first-out queue for coordinating producer and consumer tasks (asyncio.Queue).
 *
 * With `maxsize > 0`, `put()` waits while the queue is full (backpressure); `maxsize = 0` means unbounded.
 * Every waiting call (`get`, `put`, `join`) is a checkpoint, takes `{ signal }`, and is served first come,
 * first served. An item reserved for a `get()` whose task is cancelled before it resumes stays at the head of
 * the queue and goes to the next getter; a `put()` cancelled while waiting (or promised a slot but not yet
 * resumed) adds nothing. `get()` on a non-empty queue and `put()` on a non-full one settle without waiting for
 * the event loop.
 *
 * `shutdown()` follows asyncio 3.13; `for await (const item of queue)` yields items until the queue is shut
 * down and drained.
 *
 * @example
 * ```ts
 * import { Queue, createTask, run } from 'asyncio-ts';
 * await run(async () => {
 *   const queue = new Queue<string>(10);
 *   const worker = createTask(async () => {
 *     for await (const job of queue) {
 *       console.log('processing', job);
 *       queue.taskDone();
 *     }
 *   });
 *   for (const job of ['a', 'b', 'c']) await queue.put(job);
 *   await queue.join();  // every job got its taskDone()
 *   queue.shutdown();    // the worker's loop ends
 *   await worker;
 * });
 * ```
 */
export class Queue<T> implements QueueLike<T> {
  /** The bound given to the constructor: `put()` waits while `qsize()` reaches it. 0 means unbounded. */
  readonly maxsize: number;
  /** @internal Items nobody is waiting for. Replaced by the subclasses (LIFO, priority). */
  protected store: ItemStore<T>;
  /** @internal `get()` calls waiting. Invariant: non-empty only while no item is available (`qsize() === 0`). */
  private readonly getters = new WaiterQueue<GetWaiter<T>>();
  /** @internal `put()` calls waiting. Invariant: non-empty only while the queue is full. */
  private readonly putters = new WaiterQueue<PutWaiter<T>>();
  /** @internal `join()` calls waiting. Invariant: non-empty only while `unfinished > 0`. */
  private readonly joiners = new WaiterQueue<Waiter<void>>();
  /** @internal Stored items reserved for woken getters whose grant is not delivered yet (not in `qsize()`). */
  private reserved = 0;
  /** @internal Free slots promised to woken putters whose grant is not delivered yet: they count as taken. */
  private promised = 0;
  /** @internal Items put and not yet `taskDone()`. */
  private unfinished = 0;
  /** @internal */
  stateCode: StateCode = ALIVE;

  /**
   * @param maxsize - the most items the queue holds before `put()` waits; 0 (the default) for unbounded.
   * @throws RangeError if `maxsize` is not an integer >= 0.
   */
  constructor(maxsize = 0) {
    checkInteger(maxsize, 'maxsize', new.target.name, 0);
    this.maxsize = maxsize;
    this.store = new RingBuffer<T>();
  }

  /** Number of items in the queue. */
  qsize(): number {
    // Below zero only between shutdown(true) and the delivery of grants made before it.
    return Math.max(0, this.store.size - this.reserved);
  }

  /** True if the queue holds no item. */
  empty(): boolean {
    return this.store.size <= this.reserved;
  }

  /**
   * True if `putNowait()` would throw `QueueFull`: `maxsize` items are in the queue, counting the free slots
   * already promised to waiting `put()` calls and the items handed to woken `get()` calls that have not
   * resumed yet (so it can be true while `qsize() < maxsize`). Never true for an unbounded queue.
   */
  full(): boolean {
    return this.maxsize !== 0 && this.store.size + this.promised >= this.maxsize;
  }

  /**
   * Puts `item` into the queue, waiting while it is full. A checkpoint. Items of `put()` calls enter in the
   * order of the calls: while free slots are promised to waiting calls that have not resumed yet, a new call
   * waits (a microtask) behind them. `putNowait()` adds at once whenever there is room.
   *
   * Rejects with `QueueShutDown` if the queue is shut down (also while waiting), with `CancelledError` if the
   * calling task is cancelled, with `signal.reason` if `signal` aborts; then `item` was not added.
   *
   * @example
   * ```ts
   * import { Queue } from 'asyncio-ts';
   * const queue = new Queue<number>(1);
   * await queue.put(1);
   * const second = queue.put(2); // waits: the queue is full
   * queue.getNowait();           // frees the slot: `second` resolves, 2 is in the queue
   * await second;
   * ```
   */
  put(item: T, options?: SignalOptions): Promise<void> {
    const signal = options === undefined ? undefined : signalOf(options, 'Queue.put');
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    if (this.stateCode !== ALIVE) return Promise.reject(new QueueShutDown());
    const room = this.maxsize === 0 || this.store.size + this.promised < this.maxsize;
    if (room && this.promised === 0) {
      try {
        this.commit(item, false);
      } catch (err) {
        return Promise.reject(err); // a PriorityQueue's compare threw: nothing was added
      }
      return RESOLVED;
    }
    const waiter = new PutWaiter<T>(this, item);
    waiter.park(scope, signal);
    this.putters.push(waiter);
    // Room, but earlier put() calls were promised slots and have not added their items yet: this one is
    // served at once too, and its item goes in after theirs (a put never overtakes an earlier put).
    if (room) this.servePutters();
    return waiter.promise;
  }

  /**
   * Puts `item` into the queue if there is room, without waiting.
   *
   * @throws QueueFull if the queue is full ({@link full}).
   * @throws QueueShutDown if the queue is shut down.
   * @example
   * ```ts
   * import { Queue, QueueFull } from 'asyncio-ts';
   * const queue = new Queue<string>(1);
   * queue.putNowait('a');
   * try { queue.putNowait('b'); } catch (err) { err instanceof QueueFull; } // true
   * ```
   */
  putNowait(item: T): void {
    if (this.stateCode !== ALIVE) throw new QueueShutDown();
    if (this.full()) throw new QueueFull();
    this.commit(item, false);
  }

  /**
   * Removes and returns the next item, waiting while the queue is empty. A checkpoint.
   *
   * After `shutdown()`, the items left are still returned; then (and at once after `shutdown(true)`) it
   * rejects with `QueueShutDown`. Rejects with `CancelledError` if the calling task is cancelled and with
   * `signal.reason` if `signal` aborts: then no item was taken (an item already reserved for it stays at the
   * head of the queue, for the next getter).
   *
   * @example
   * ```ts
   * import { Queue, createTask } from 'asyncio-ts';
   * const queue = new Queue<string>();
   * const consumer = createTask(() => queue.get());
   * await queue.put('hello');
   * console.log(await consumer); // 'hello'
   * ```
   */
  get(options?: SignalOptions): Promise<T> {
    const signal = options === undefined ? undefined : signalOf(options, 'Queue.get');
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    if (this.store.size > this.reserved) {
      let item: T;
      try {
        item = this.store.take(false, this.reserved);
      } catch (err) {
        return Promise.reject(err); // a PriorityQueue's compare threw: nothing was taken
      }
      if (this.putters.head !== undefined) this.servePutters();
      return Promise.resolve(item);
    }
    if (this.stateCode !== ALIVE) return Promise.reject(new QueueShutDown());
    const waiter = new GetWaiter<T>(this);
    waiter.park(scope, signal);
    this.getters.push(waiter);
    return waiter.promise;
  }

  /**
   * Removes and returns the next item if there is one, without waiting.
   *
   * @throws QueueEmpty if the queue is empty.
   * @throws QueueShutDown if the queue is empty and shut down, or was shut down with `immediate`.
   * @example
   * ```ts
   * import { Queue, QueueEmpty } from 'asyncio-ts';
   * const queue = new Queue<number>();
   * queue.putNowait(7);
   * queue.getNowait(); // 7
   * try { queue.getNowait(); } catch (err) { err instanceof QueueEmpty; } // true
   * ```
   */
  getNowait(): T {
    if (this.store.size <= this.reserved) {
      if (this.stateCode !== ALIVE) throw new QueueShutDown();
      throw new QueueEmpty();
    }
    const item = this.store.take(false, this.reserved);
    if (this.putters.head !== undefined) this.servePutters();
    return item;
  }

  /**
   * Marks one item taken from the queue as processed. When every item put so far has been marked,
   * `join()` calls resolve.
   *
   * @throws RangeError if called more times than items were put.
   * @example
   * ```ts
   * import { Queue } from 'asyncio-ts';
   * const queue = new Queue<string>();
   * await queue.put('job');
   * const job = await queue.get();
   * // ... process job ...
   * queue.taskDone();
   * await queue.join(); // resolves at once: nothing unfinished
   * ```
   */
  taskDone(): void {
    if (this.unfinished === 0) {
      throw new RangeError(
        `${this.constructor.name}.taskDone: called more times than items were put (no unfinished item)`,
      );
    }
    if (--this.unfinished === 0) this.wakeJoiners();
  }

  /**
   * Waits until every item put into the queue has been marked processed with `taskDone()`. Resolves at once
   * when nothing is unfinished. A checkpoint; rejects with `CancelledError` or `signal.reason`.
   *
   * @example
   * ```ts
   * import { Queue, createTask } from 'asyncio-ts';
   * const queue = new Queue<number>();
   * for (let i = 0; i < 3; i++) queue.putNowait(i);
   * createTask(async () => {
   *   for (;;) { await queue.get(); queue.taskDone(); }
   * });
   * await queue.join(); // all three processed
   * ```
   */
  join(options?: SignalOptions): Promise<void> {
    const signal = options === undefined ? undefined : signalOf(options, 'Queue.join');
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    if (this.unfinished === 0) return RESOLVED;
    const waiter = new Waiter<void>('Queue.join');
    waiter.park(scope, signal);
    this.joiners.push(waiter);
    return waiter.promise;
  }

  /**
   * Shuts the queue down (asyncio 3.13): from now on `put()` and `putNowait()` throw `QueueShutDown`, and so
   * do the `put()` calls waiting. `get()` still returns the items left, then throws `QueueShutDown` (getters
   * waiting on the empty queue get it at once), which ends `for await` loops over the queue.
   *
   * With `immediate`, the items left are dropped too, each counting as done for `join()` (which resolves if
   * nothing else is unfinished; items already taken still need their `taskDone()`), and every `get()` throws
   * `QueueShutDown`. Calling it again is allowed: `shutdown(true)` after `shutdown()` drops what is left.
   *
   * @example
   * ```ts
   * import { Queue, QueueShutDown } from 'asyncio-ts';
   * const queue = new Queue<string>();
   * queue.putNowait('last');
   * queue.shutdown();
   * await queue.get();                  // 'last'
   * await queue.get().catch((err) => err instanceof QueueShutDown); // true
   * ```
   */
  shutdown(immediate = false): void {
    if (typeof immediate !== 'boolean') {
      throw new TypeError(
        `${this.constructor.name}.shutdown: immediate must be a boolean, received ${describe(immediate)}`,
      );
    }
    if (this.stateCode === SHUT_DOWN_IMMEDIATE || (!immediate && this.stateCode === SHUT_DOWN)) return;
    if (immediate) {
      this.stateCode = SHUT_DOWN_IMMEDIATE;
      const dropped = this.store.size;
      this.store.clear();
      this.unfinished = Math.max(0, this.unfinished - dropped);
      if (this.unfinished === 0) this.wakeJoiners();
    } else {
      this.stateCode = SHUT_DOWN;
    }
    // Getters wait only while no item is available, so none of them will get one. Grants made before the
    // shutdown are settled on delivery (GetWaiter/PutWaiter.deliver), as asyncio's woken waiters re-check.
    for (let getter = this.getters.head; getter !== undefined; getter = this.getters.head) {
      getter.fail(new QueueShutDown());
    }
    for (let putter = this.putters.head; putter !== undefined; putter = this.putters.head) {
      putter.fail(new QueueShutDown());
    }
  }

  /**
   * Yields items (`get()`) until the queue is shut down and drained, then ends: the shutdown replaces the
   * sentinel values of the classic producer/consumer loop. Does not call `taskDone()`: the loop body does,
   * as after `get()`. Cancelling the task that iterates rejects the pending `get()` (no item is lost).
   *
   * @example
   * ```ts
   * import { Queue } from 'asyncio-ts';
   * const queue = new Queue<number>();
   * queue.putNowait(1);
   * queue.putNowait(2);
   * queue.shutdown();
   * for await (const n of queue) console.log(n); // 1, 2
   * ```
   */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return itemsUntilShutDown(this);
  }

  /**
   * A snapshot of the queue's state, for monitoring and tests.
   *
   * @example
   * ```ts
   * import { Queue } from 'asyncio-ts';
   * const queue = new Queue<string>(5);
   * queue.putNowait('a');
   * queue.statistics(); // { qsize: 1, maxsize: 5, unfinishedTasks: 1, getters: 0, putters: 0, joiners: 0, state: 'open' }
   * ```
   */
  statistics(): QueueStatistics {
    return {
      qsize: this.qsize(),
      maxsize: this.maxsize,
      unfinishedTasks: this.unfinished,
      getters: this.getters.size,
      putters: this.putters.size,
      joiners: this.joiners.size,
      state: STATE_NAMES[this.stateCode]!,
    };
  }

  /** One line for `console.log` and `util.inspect`, e.g. `<Queue qsize=2 maxsize=10 unfinished=3 putters=1>`. */
  [inspect.custom](): string {
    let text = `<${this.constructor.name} qsize=${this.qsize()} maxsize=${this.maxsize} unfinished=${this.unfinished}`;
    if (this.getters.size !== 0) text += ` getters=${this.getters.size}`;
    if (this.putters.size !== 0) text += ` putters=${this.putters.size}`;
    if (this.joiners.size !== 0) text += ` joiners=${this.joiners.size}`;
    if (this.stateCode !== ALIVE) text += ` ${STATE_NAMES[this.stateCode]}`;
    return `${text}>`;
  }

  // ---- internals -------------------------------------------------------------------------------------

  /**
   * @internal Adds a new item and wakes the longest-waiting getter, if any. Only a PriorityQueue's compare
   * can throw, before anything changed (unless `tolerant`).
   */
  private commit(item: T, tolerant: boolean): void {
    this.store.push(item, tolerant);
    this.unfinished++;
    if (this.getters.head !== undefined) this.wakeGetter();
  }

  /** @internal Reserves the next available item for the longest-waiting getter. */
  private wakeGetter(): void {
    const getter = this.getters.head!;
    if (this.reserved === 0 && getter.scope === undefined && getter.signal === undefined) {
      // Outside every task and without a signal nothing can cancel the getter: deliver at once, unless
      // getters woken before it have not taken their items yet (it would take one of theirs).
      getter.resolve(this.store.take(true, 0));
      return;
    }
    this.reserved++;
    getter.grant(undefined as T); // leaves `getters`; the item is taken on delivery
  }

  /** @internal A woken getter's grant is being delivered: it takes the item at the head (never throws). */
  takeReserved(): T {
    const item = this.store.take(true, 0);
    this.reserved--;
    return item;
  }

  /** @internal A woken getter's grant was settled: if it took its item, a slot is free for a putter. */
  slotFreed(): void {
    if (this.putters.head !== undefined) this.servePutters();
  }

  /**
   * @internal A woken getter was cancelled (or the queue shut down) before it resumed. If it had taken its
   * item already, the item goes back to the head; either way the item is available again, so the next
   * waiting getter is woken for it.
   */
  getterGaveUp(tookItem: boolean, item: T): void {
    if (tookItem) this.store.restore(item);
    else this.reserved--;
    if (this.getters.head !== undefined && this.store.size > this.reserved) {
      this.wakeGetter();
      // (as in commitPromised: a getter served at once freed a slot)
      if (this.putters.head !== undefined) this.servePutters();
    }
  }

  /** @internal A putter's promised slot was delivered: its item enters the queue now. */
  commitPromised(item: T): void {
    this.promised--;
    this.commit(item, true);
    // A getter that nothing can cancel may have taken the item at once: then a slot is free again.
    if (this.putters.head !== undefined) this.servePutters();
  }

  /** @internal A putter's promised slot was not taken (cancelled, or the queue shut down). */
  releasePromisedSlot(): void {
    this.promised--;
    if (this.putters.head !== undefined) this.servePutters();
  }

  /** @internal Promises free slots to waiting putters, longest-waiting first. */
  private servePutters(): void {
    for (
      let putter = this.putters.head;
      putter !== undefined && this.stateCode === ALIVE && !this.full();
      putter = this.putters.head
    ) {
      if (this.promised === 0 && putter.scope === undefined && putter.signal === undefined) {
        // Nothing can cancel it: deliver at once, unless putters served before it have not added their
        // items yet (its item would overtake theirs).
        putter.resolve(undefined);
        this.commit(putter.item, true);
      } else {
        this.promised++;
        putter.grant(undefined); // leaves `putters`
      }
    }
  }

  private wakeJoiners(): void {
    const joiners = this.joiners;
    for (let joiner = joiners.head; joiner !== undefined; joiner = joiners.head) joiner.resolve(undefined);
  }
}
