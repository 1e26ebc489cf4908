/**
 * `Barrier`: `parties` tasks wait until all have arrived, then all go on (asyncio.Barrier).
 * @module
 */

import { inspect } from 'node:util';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { BrokenBarrierError } from '../core/errors.js';
import { checkInteger } from '../core/validate.js';
import { Waiter, WaiterQueue } from '../core/waiter.js';
import { type SignalOptions, signalOf } from './options.js';

/** What {@link Barrier.statistics} reports. */
export interface BarrierStatistics {
  /** The number of tasks that must arrive for the barrier to open. */
  parties: number;
  /** Tasks waiting now. */
  nWaiting: number;
  /** Whether the barrier is broken (`abort()`), until `reset()`. */
  broken: boolean;
}

/**
 * A rendezvous for `parties` tasks: each `wait()` blocks until `parties` callers are waiting, then all of them
 * resolve at once, each with a different index from 0 to `parties - 1` (the last to arrive gets
 * `parties - 1`), and the barrier is ready for the next round. A waiter that is cancelled leaves, and the
 * barrier keeps filling without it. `abort()` breaks the barrier (waiters and later callers get
 * `BrokenBarrierError`) until `reset()`.
 *
 * @example
 * ```ts
 * declare function loadShard(i: number): Promise<void>;
 * declare function serveShard(i: number): Promise<void>;
 * import { Barrier, taskGroup } from 'asyncio-ts';
 * const barrier = new Barrier(3);
 * await taskGroup(async (tg) => {
 *   for (let i = 0; i < 3; i++) {
 *     tg.createTask(async () => {
 *       await loadShard(i);
 *       await barrier.wait(); // nobody goes on before all shards are loaded
 *       await serveShard(i);
 *     });
 *   }
 * });
 * ```
 */
export class Barrier {
  /** The number of tasks that must arrive for the barrier to open. */
  readonly parties: number;
  /** @internal callers waiting in this round, in arrival order. */
  private readonly waiters = new WaiterQueue<Waiter<number>>();
  /** @internal */
  private isBroken = false;

  /** @param parties how many tasks meet at the barrier, an integer >= 1. */
  constructor(parties: number) {
    checkInteger(parties, 'parties', 'Barrier', 1);
    this.parties = parties;
  }

  /** Tasks waiting now. */
  get nWaiting(): number {
    return this.waiters.size;
  }

  /** True once `abort()` was called, until `reset()`. */
  get broken(): boolean {
    return this.isBroken;
  }

  /**
   * Waits until `parties` callers are waiting and resolves with this caller's index (0 to `parties - 1`).
   * Rejects with `BrokenBarrierError` if the barrier is broken or reset meanwhile. A checkpoint: a cancelled
   * waiter rejects with `CancelledError` (or `signal.reason`) and no longer counts.
   *
   * @example
   * ```ts
   * import { Barrier } from 'asyncio-ts';
   * const barrier = new Barrier(2);
   * const [a, b] = await Promise.all([barrier.wait(), barrier.wait()]); // 0 and 1
   * ```
   */
  wait(options?: SignalOptions): Promise<number> {
    const signal = signalOf(options, 'Barrier.wait');
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    if (this.isBroken) return Promise.reject(new BrokenBarrierError());
    if (this.waiters.size + 1 === this.parties) {
      // The last party: everyone goes, in arrival order, and the next round starts empty.
      let index = 0;
      for (let waiter = this.waiters.shift(); waiter !== undefined; waiter = this.waiters.shift()) {
        waiter.grant(index++);
      }
      return Promise.resolve(index);
    }
    const waiter = new Waiter<number>('Barrier.wait');
    waiter.park(scope, signal);
    this.waiters.push(waiter);
    return waiter.promise;
  }

  /**
   * Returns the barrier to its empty, unbroken state. Tasks waiting now reject with `BrokenBarrierError`.
   * Not a checkpoint.
   */
  reset(): void {
    this.failWaiters();
    this.isBroken = false;
  }

  /**
   * Breaks the barrier: tasks waiting now, and every later `wait()` until `reset()`, reject with
   * `BrokenBarrierError` (for example when one party fails and the others must not wait forever).
   */
  abort(): void {
    this.isBroken = true;
    this.failWaiters();
  }

  /** What the barrier looks like now. */
  statistics(): BarrierStatistics {
    return { parties: this.parties, nWaiting: this.waiters.size, broken: this.isBroken };
  }

  /** @internal */
  [inspect.custom](): string {
    return `<Barrier parties=${this.parties} waiting=${this.waiters.size} broken=${this.isBroken}>`;
  }

  /** @internal */
  private failWaiters(): void {
    for (let waiter = this.waiters.shift(); waiter !== undefined; waiter = this.waiters.shift()) {
      waiter.fail(new BrokenBarrierError());
    }
  }
}
