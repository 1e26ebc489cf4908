/**
 * `sleep`, `checkpoint` and `now`: the basic checkpoints. A sleep is one waiter parked in the caller's
 * scope and in the run clock's deadline heap; `sleep(0)` and `checkpoint()` yield one turn of the event
 * loop through one shared `setImmediate` for all callers.
 * @module
 */

import type { CancelScope } from '../core/cancel-scope.js';
import { cancelledReason } from '../core/cancelled.js';
import type { Clock, TimerEntry } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { storage } from '../core/context.js';
import type { SignalOptions } from '../core/signal-options.js';
import { checkMs, checkOptions, checkSignal } from '../core/validate.js';
import { HOLDS_CLOCK, Waiter } from '../core/waiter.js';

/**
 * Options of {@link sleep}.
 * @deprecated Use `SignalOptions` (the one options type of every waiting call); removed in the next release.
 */
export type SleepOptions = SignalOptions;

class SleepWaiter<T> extends Waiter<T> implements TimerEntry {
  deadline = 0;
  heapIndex = -1;
  private readonly clock: Clock;
  private readonly result: T;
  constructor(clock: Clock, result: T) {
    super('sleep');
    this.clock = clock;
    this.result = result;
  }
  onTimer(): void {
    this.resolve(this.result);
  }
  override describe(): string {
    return this.deadline === 0 ? 'sleep forever' : `sleep until ${this.deadline.toFixed(0)} ms`;
  }
  protected override detach(): void {
    this.clock.unschedule(this);
  }
}

/** The clock of the calling code's run. @internal */
export function clockOf(scope: CancelScope | undefined): Clock {
  return scope?.task?.run.clock ?? systemClock;
}

/**
 * Waits `ms` milliseconds, then resolves with `value`. A checkpoint: rejects with `CancelledError` at once
 * if the calling scope is cancelled, or as soon as it is. `ms <= 0` yields one turn of the event loop;
 * `Infinity` waits until cancelled.
 *
 * @example
 * ```ts
 * import { sleep } from 'asyncio-ts';
 * const value = await sleep(100, 'later');
 * ```
 */
export function sleep<T = void>(ms: number, value?: T, options?: SignalOptions): Promise<T> {
  checkMs(ms, 'ms', 'sleep');
  let signal: AbortSignal | undefined;
  if (options !== undefined) {
    checkOptions(options, 'sleep');
    signal = options.signal;
    checkSignal(signal, 'sleep');
  }
  const scope = storage.getStore();
  const cancelled = cancelledReason(scope, signal);
  if (cancelled !== undefined) return Promise.reject(cancelled);
  if (ms <= 0) return yieldOnce(scope, signal, value as T);
  const clock = clockOf(scope);
  const waiter = new SleepWaiter<T>(clock, value as T);
  waiter.park(scope, signal);
  if (ms !== Number.POSITIVE_INFINITY) {
    waiter.deadline = clock.now() + ms;
    clock.schedule(waiter);
  }
  return waiter.promise;
}

/**
 * A pure checkpoint: throws `CancelledError` if the calling scope is cancelled, otherwise yields one turn of
 * the event loop (other tasks and I/O callbacks run) and then throws if a cancellation arrived meanwhile.
 *
 * @example
 * ```ts
 * declare const rows: string[];
 * declare function handle(row: string): void;
 * import { checkpoint } from 'asyncio-ts';
 * for (const row of rows) { handle(row); await checkpoint(); } // a long loop stays cancellable
 * ```
 */
export function checkpoint(): Promise<void> {
  const scope = storage.getStore();
  const cancelled = cancelledReason(scope);
  if (cancelled !== undefined) return Promise.reject(cancelled);
  return yieldOnce(scope, undefined, undefined);
}

/**
 * The current time of the run's clock in milliseconds: `performance.now()` unless the run was given
 * another clock. Deadlines for `timeoutAt()` are on this clock.
 *
 * @example
 * ```ts
 * import { now, timeoutAt } from 'asyncio-ts';
 * await timeoutAt(now() + 5000, async () => {
 *   // … work that must end by the deadline
 * });
 * ```
 */
export function now(): number {
  return clockOf(storage.getStore()).now();
}

// ---- one setImmediate for every yield --------------------------------------------------------------------

let yielders: Waiter<unknown>[] = [];
let yieldValues: unknown[] = [];
let immediateArmed = false;

function yieldOnce<T>(scope: CancelScope | undefined, signal: AbortSignal | undefined, value: T): Promise<T> {
  const waiter = new Waiter<T>('checkpoint');
  waiter.clockRole = HOLDS_CLOCK; // runnable, not blocked: ends on the next turn by itself
  waiter.park(scope, signal);
  yielders.push(waiter as Waiter<unknown>);
  yieldValues.push(value);
  if (!immediateArmed) {
    immediateArmed = true;
    setImmediate(releaseYielders);
  }
  return waiter.promise;
}

function releaseYielders(): void {
  const batch = yielders;
  const values = yieldValues;
  yielders = [];
  yieldValues = [];
  immediateArmed = false;
  for (let i = 0; i < batch.length; i++) batch[i]!.resolve(values[i]);
}
