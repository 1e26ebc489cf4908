/**
 * `Lock`: mutual exclusion, FIFO-fair and cancellation-safe (asyncio.Lock). Each holding is numbered, so a
 * spent `Permit` or a finished `runExclusive` can never release a later holder's lock, and `Condition.wait`
 * takes the lock back under the same number (the caller's permit stays valid).
 * @module
 */

import { inspect } from 'node:util';
import { CancelScope } from '../core/cancel-scope.js';
import { InvalidStateError } from '../core/errors.js';
import { checkFunction } from '../core/validate.js';
import { AcquireQueue } from './acquire-queue.js';
import { acquirePermit, runExclusively } from './acquire-shell.js';
import { AcquireWaiter, type Grant } from './acquire-waiter.js';
import type { LockLike } from './like.js';
import { type SignalOptions, signalOf } from './options.js';
import { Permit } from './permit.js';

/** What {@link Lock.statistics} reports. */
export interface LockStatistics {
  /** Whether someone holds the lock. */
  locked: boolean;
  /** Callers waiting in `acquire()` or `runExclusive()`. */
  waiters: number;
}

/**
 * A mutual-exclusion lock. `acquire()` resolves with a {@link Permit} (release it, or `using`);
 * `runExclusive(fn)` holds the lock while `fn` runs. Waiters get the lock in arrival order; a waiter
 * cancelled at the moment it is granted the lock passes it on. Not re-entrant, and any code may release it
 * (asyncio semantics).
 *
 * @example
 * ```ts
 * declare function audit(balance: number): Promise<void>;
 * import { Lock } from 'asyncio-ts';
 * const lock = new Lock();
 * let balance = 100;
 * async function withdraw(amount: number) {
 *   using _ = await lock.acquire();
 *   const current = balance;
 *   await audit(current); // other tasks cannot interleave here
 *   balance = current - amount;
 * }
 * ```
 */
export class Lock implements LockLike {
  /** @internal */
  private held = false;
  /** @internal Numbers holdings: every new holding gets `++counter` (never reused). */
  private counter = 0;
  /**
   * @internal The number of the current holding (meaningful while `held`). Releasing another number (a
   * permit of an earlier holding, a runExclusive whose lock was released by hand) does nothing.
   */
  private holding = 0;
  /** @internal FIFO of callers waiting for the lock. Non-empty only while `held`. */
  private readonly waiters = new AcquireQueue();

  /** True while someone holds the lock. */
  locked(): boolean {
    return this.held;
  }

  /**
   * Takes the lock without waiting: a {@link Permit}, or `undefined` if it is held.
   *
   * @example
   * ```ts
   * import { Lock } from 'asyncio-ts';
   * const lock = new Lock();
   * using permit = lock.tryAcquire();
   * if (permit) console.log('locked by us');
   * ```
   */
  tryAcquire(): Permit | undefined {
    return this.take() ? (this.grantValue(true, 0) as Permit) : undefined;
  }

  /**
   * Waits for the lock and resolves with a {@link Permit}. A checkpoint that settles without yielding when
   * the lock is free; rejects with `CancelledError` if the calling scope is cancelled, or `signal.reason`.
   *
   * @example
   * ```ts
   * declare function work(): Promise<void>;
   * import { Lock } from 'asyncio-ts';
   * const lock = new Lock();
   * const permit = await lock.acquire({ signal: AbortSignal.timeout(1000) });
   * try { await work(); } finally { permit.release(); }
   * ```
   */
  acquire(options?: SignalOptions): Promise<Permit> {
    return acquirePermit(this, this.waiters, 'Lock.acquire', signalOf(options, 'Lock.acquire'));
  }

  /**
   * Releases the lock: the first waiter gets it, or it becomes free. Throws `InvalidStateError` if the lock
   * is not held. Not a checkpoint.
   *
   * @example
   * ```ts
   * import { Lock } from 'asyncio-ts';
   * const lock = new Lock();
   * await lock.acquire();
   * lock.release();
   * ```
   */
  release(): void {
    if (!this.held) throw new InvalidStateError('Lock.release(): the lock is not locked');
    this.handOn();
  }

  /**
   * Runs `fn` while holding the lock and releases it however `fn` ends. A checkpoint while it waits;
   * `fn` is not called if the wait is cancelled.
   *
   * @example
   * ```ts
   * declare function readModifyWrite(): Promise<number>;
   * import { Lock } from 'asyncio-ts';
   * const lock = new Lock();
   * const value = await lock.runExclusive(async () => readModifyWrite());
   * ```
   */
  runExclusive<T>(fn: () => PromiseLike<T> | T, options?: SignalOptions): Promise<T> {
    checkFunction(fn, 'fn', 'Lock.runExclusive');
    return runExclusively(this, this.waiters, 'Lock.acquire', fn, signalOf(options, 'Lock.runExclusive'));
  }

  /** What the lock looks like now (trio's `statistics()`). */
  statistics(): LockStatistics {
    return { locked: this.held, waiters: this.waiters.size };
  }

  /** @internal */
  [inspect.custom](): string {
    return `<Lock locked=${this.held} waiters=${this.waiters.size}>`;
  }

  /** @internal the number of the current holding (for `Condition.wait`, which gives it back). */
  currentHolding(): number {
    return this.holding;
  }

  /**
   * @internal Takes the lock back for `Condition.wait` under the holding number `token` it had before the
   * wait. Waits in the same FIFO, parked in a shielded scope under the caller's (so the task shows as blocked
   * on it) and with no signal, so no cancellation can interrupt it.
   */
  reacquire(scope: CancelScope | undefined, label: string, token: number): Promise<unknown> {
    if (!this.held) {
      this.held = true;
      this.holding = token;
      return Promise.resolve();
    }
    const waiter = new AcquireWaiter(this, label, false);
    waiter.restoreToken = token;
    if (scope !== undefined) waiter.park(new CancelScope(scope, scope.task, true), undefined);
    this.waiters.push(waiter);
    return waiter.promise;
  }

  /** @internal takes the lock if it is free (`grantValue` then numbers the holding). */
  take(): boolean {
    if (this.held) return false;
    this.held = true;
    return true;
  }

  /** @internal the end of a `runExclusive` holding: its number was the grant. */
  releaseGrant(grant: Grant): void {
    this.releasePermit(grant as number);
  }

  /** @internal a `runExclusive` cancelled before `fn` started: the same as its end. */
  returnGrant(grant: Grant): void {
    this.releaseGrant(grant);
  }

  /** @internal nothing to do when a waiter leaves. */
  waiterLeft(): void {}

  /** @internal the lock comes back or a granted waiter was cancelled: the next waiter gets it, or it is free. */
  handOn(): void {
    if (!this.waiters.grantNext(this)) this.held = false;
  }

  /**
   * @internal numbers the new holding: its Permit if the waiter wants one, else the number itself. The
   * waiter must release under the number it was granted, not read `holding` when it resumes: by then a
   * hand `release()` may have given the lock to the next waiter, whose holding it would end (issue 11).
   */
  grantValue(wantsPermit: boolean, restoreToken: number): Grant {
    const token = (this.holding = restoreToken === 0 ? ++this.counter : restoreToken);
    return wantsPermit ? new Permit(this, token) : token;
  }

  /** @internal called by a Permit (and by runExclusive) with the number of its holding. */
  releasePermit(token: number): void {
    if (this.held && this.holding === token) this.handOn();
  }
}
