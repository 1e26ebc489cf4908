/**
 * `Condition`: wait for a notification while holding a lock (asyncio.Condition). The wait takes the lock back
 * before it returns or throws, and a wake-up given to a waiter that is cancelled before it could use it is
 * passed on, so `notify(n)` wakes n live waiters.
 * @module
 */

import { inspect } from 'node:util';
import type { CancelScope } from '../core/cancel-scope.js';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { InvalidStateError } from '../core/errors.js';
import { checkFunction, checkInteger, describe } from '../core/validate.js';
import { Waiter, WaiterQueue } from '../core/waiter.js';
import { Lock } from './lock.js';
import { type SignalOptions, signalOf } from './options.js';
import type { Permit } from './permit.js';

/** What {@link Condition.statistics} reports. */
export interface ConditionStatistics {
  /** Whether the underlying lock is held. */
  locked: boolean;
  /** Callers waiting in `wait()` for a notification. */
  waiters: number;
  /** Callers waiting for the underlying lock (including woken waiters taking it back). */
  lockWaiters: number;
}

/** A waiter in `wait()`: a wake-up it cannot take (cancelled after `notify`) goes to the next waiter. */
class ConditionWaiter extends Waiter<true> {
  private readonly condition: Condition;
  constructor(condition: Condition) {
    super('Condition.wait');
    this.condition = condition;
  }
  protected override revoke(): void {
    this.condition.wakeNext(1);
  }
}

/**
 * A condition variable bound to a {@link Lock} (a new one unless given). Hold the lock, then `wait()` to
 * release it until another task calls `notify()`; `wait()` always holds the lock again when it returns or
 * throws, also when cancelled (the re-acquire is shielded), as in asyncio and trio.
 *
 * @example
 * ```ts
 * import { Condition } from 'asyncio-ts';
 * const cond = new Condition();
 * const items: string[] = [];
 * async function consume() {
 *   using _ = await cond.acquire();
 *   await cond.waitFor(() => items.length > 0);
 *   return items.shift();
 * }
 * async function produce(item: string) {
 *   using _ = await cond.acquire();
 *   items.push(item);
 *   cond.notify();
 * }
 * ```
 */
export class Condition {
  /** @internal */
  private readonly lock: Lock;
  /** @internal callers waiting for a notification. */
  private readonly waiters = new WaiterQueue<ConditionWaiter>();

  /** @param lock the lock to use (shared with other code that takes it), or a new one. */
  constructor(lock?: Lock) {
    if (lock !== undefined && !(lock instanceof Lock)) {
      throw new TypeError(`Condition: lock must be a Lock, received ${describe(lock)}`);
    }
    this.lock = lock ?? new Lock();
  }

  /** Acquires the underlying lock (see {@link Lock.acquire}). */
  acquire(options?: SignalOptions): Promise<Permit> {
    return this.lock.acquire(options);
  }

  /** Releases the underlying lock (see {@link Lock.release}). */
  release(): void {
    this.lock.release();
  }

  /** True while the underlying lock is held. */
  locked(): boolean {
    return this.lock.locked();
  }

  /** Runs `fn` holding the underlying lock (see {@link Lock.runExclusive}). */
  runExclusive<T>(fn: () => PromiseLike<T> | T, options?: SignalOptions): Promise<T> {
    return this.lock.runExclusive(fn, options);
  }

  /**
   * Releases the lock, waits for a notification, takes the lock back and resolves with `true`. Call it
   * holding the lock (else it rejects with `InvalidStateError`). A checkpoint: when cancelled (or its signal
   * aborts) it still takes the lock back before it rejects; a wake-up it received but could not use is
   * passed to the next waiter. Wake-ups may be spurious: re-check your predicate, or use {@link waitFor}.
   *
   * @example
   * ```ts
   * declare function ready(): boolean;
   * import { Condition } from 'asyncio-ts';
   * const cond = new Condition();
   * await cond.runExclusive(async () => {
   *   while (!ready()) await cond.wait();
   * });
   * ```
   */
  wait(options?: SignalOptions): Promise<true> {
    const signal = signalOf(options, 'Condition.wait');
    if (!this.lock.locked()) {
      return Promise.reject(new InvalidStateError('Condition.wait(): the lock is not held'));
    }
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    const waiter = new ConditionWaiter(this);
    waiter.park(scope, signal);
    this.waiters.push(waiter);
    const token = this.lock.currentHolding();
    this.lock.release();
    return this.finishWait(waiter, scope, signal, token);
  }

  /**
   * Waits until `predicate()` returns a truthy value and resolves with it, checking it first and after every
   * wake-up (call it holding the lock).
   *
   * @example
   * ```ts
   * import { Condition, createTask, sleep } from 'asyncio-ts';
   * const cond = new Condition();
   * let count = 0;
   * createTask(async () => {
   *   for (let i = 0; i < 3; i++) {
   *     await sleep(1);
   *     await cond.runExclusive(() => { count++; cond.notifyAll(); });
   *   }
   * });
   * await cond.runExclusive(() => cond.waitFor(() => count >= 3));
   * ```
   */
  waitFor<T>(predicate: () => T, options?: SignalOptions): Promise<T> {
    checkFunction(predicate, 'predicate', 'Condition.waitFor');
    signalOf(options, 'Condition.waitFor');
    return this.loopUntil(predicate, options);
  }

  /**
   * Wakes up to `n` waiters (default 1), in the order they started waiting. Call it holding the lock (else
   * `InvalidStateError`). Not a checkpoint.
   *
   * @example
   * ```ts
   * import { Condition } from 'asyncio-ts';
   * const cond = new Condition();
   * await cond.runExclusive(() => cond.notify(2));
   * ```
   */
  notify(n = 1): void {
    checkInteger(n, 'n', 'Condition.notify', 0);
    if (!this.lock.locked()) throw new InvalidStateError('Condition.notify(): the lock is not held');
    this.wakeNext(n);
  }

  /** Wakes every waiter. Call it holding the lock (else `InvalidStateError`). */
  notifyAll(): void {
    if (!this.lock.locked()) throw new InvalidStateError('Condition.notifyAll(): the lock is not held');
    this.wakeNext(this.waiters.size);
  }

  /** What the condition looks like now. */
  statistics(): ConditionStatistics {
    const lock = this.lock.statistics();
    return { locked: lock.locked, waiters: this.waiters.size, lockWaiters: lock.waiters };
  }

  /** @internal */
  [inspect.custom](): string {
    return `<Condition locked=${this.lock.locked()} waiters=${this.waiters.size}>`;
  }

  /** @internal wakes up to `n` waiting callers (also used to pass on a wake-up that was not taken). */
  wakeNext(n: number): void {
    for (let i = 0; i < n; i++) {
      const waiter = this.waiters.shift();
      if (waiter === undefined) return;
      waiter.grant(true);
    }
  }

  /** @internal */
  private async finishWait(
    waiter: ConditionWaiter,
    scope: CancelScope | undefined,
    signal: AbortSignal | undefined,
    token: number,
  ): Promise<true> {
    let failed = false;
    let error: unknown;
    try {
      await waiter.promise;
    } catch (err) {
      failed = true;
      error = err;
    }
    // Take the lock back whatever happened, under the caller's holding number (its permit or runExclusive
    // stays valid). No cancellation can interrupt this: the caller always holds the lock when wait() settles.
    await this.lock.reacquire(scope, 'Condition.wait (re-acquiring the lock)', token);
    if (failed) throw error;
    // Woken, but cancelled while taking the lock back: this waiter will not act on the wake-up, so it goes
    // to the next waiter (asyncio 3.13, gh-112202) and the cancellation is reported.
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) {
      this.wakeNext(1);
      throw cancelled;
    }
    return true;
  }

  /** @internal */
  private async loopUntil<T>(predicate: () => T, options: SignalOptions | undefined): Promise<T> {
    let result = predicate();
    while (!result) {
      await this.wait(options);
      result = predicate();
    }
    return result;
  }
}
