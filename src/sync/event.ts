/**
 * `Event`: a flag that tasks wait on (asyncio.Event).
 * @module
 */

import { inspect } from 'node:util';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { Waiter, WaiterQueue } from '../core/waiter.js';
import { type SignalOptions, signalOf } from './options.js';

/** What {@link Event.statistics} reports. */
export interface EventStatistics {
  /** Whether the flag is set. */
  isSet: boolean;
  /** Callers waiting in `wait()`. */
  waiters: number;
}

/**
 * A flag, initially clear. `set()` wakes every waiter and lets later `wait()` calls through at once until
 * `clear()`. A waiter woken by `set()` returns even if `clear()` follows in the same turn (asyncio).
 *
 * @example
 * ```ts
 * import { Event, createTask } from 'asyncio-ts';
 * const ready = new Event();
 * const waiter = createTask(async () => { await ready.wait(); return 'go'; });
 * ready.set();
 * console.log(await waiter); // 'go'
 * ```
 */
export class Event {
  /** @internal */
  private flag = false;
  /** @internal waiting callers; empty while the flag is set. */
  private readonly waiters = new WaiterQueue<Waiter<true>>();

  /** True while the flag is set. */
  isSet(): boolean {
    return this.flag;
  }

  /** Sets the flag and wakes every waiter. Not a checkpoint. */
  set(): void {
    if (this.flag) return;
    this.flag = true;
    for (let waiter = this.waiters.shift(); waiter !== undefined; waiter = this.waiters.shift()) {
      waiter.grant(true);
    }
  }

  /** Clears the flag: later `wait()` calls wait for the next `set()`. */
  clear(): void {
    this.flag = false;
  }

  /**
   * Waits until the flag is set and resolves with `true`; settles without yielding if it is set already.
   * A checkpoint: rejects with `CancelledError` if the calling scope is cancelled, or with `signal.reason`.
   *
   * @example
   * ```ts
   * import { Event } from 'asyncio-ts';
   * const done = new Event();
   * setTimeout(() => done.set(), 100);
   * await done.wait({ signal: AbortSignal.timeout(1000) });
   * ```
   */
  wait(options?: SignalOptions): Promise<true> {
    const signal = signalOf(options, 'Event.wait');
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    if (this.flag) return Promise.resolve(true);
    const waiter = new Waiter<true>('Event.wait');
    waiter.park(scope, signal);
    this.waiters.push(waiter);
    return waiter.promise;
  }

  /** What the event looks like now. */
  statistics(): EventStatistics {
    return { isSet: this.flag, waiters: this.waiters.size };
  }

  /** @internal */
  [inspect.custom](): string {
    return `<Event set=${this.flag} waiters=${this.waiters.size}>`;
  }
}
