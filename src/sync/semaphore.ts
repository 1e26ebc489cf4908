/**
 * `Semaphore`: at most `value` holders at once, FIFO-fair and cancellation-safe (asyncio.Semaphore, trio's
 * Semaphore). A synchronous core (`take`, `handOn`) and an async shell that queues a waiter only when it must.
 * @module
 */

import { inspect } from 'node:util';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { checkFunction, checkInteger } from '../core/validate.js';
import { AcquireQueue } from './acquire-queue.js';
import { acquirePermit, runExclusively } from './acquire-shell.js';
import { AcquireWaiter, type Grant } from './acquire-waiter.js';
import type { SemaphoreLike } from './like.js';
import { type AcquireOptions, type SignalOptions, signalOf } from './options.js';
import { Permit } from './permit.js';

/** What {@link Semaphore.statistics} reports. */
export interface SemaphoreStatistics {
  /** Permits free now. */
  value: number;
  /** Callers waiting in `acquire()` or `runExclusive()`. */
  waiters: number;
}

/**
 * Lets at most `value` holders in at once. `acquire()` resolves with a {@link Permit} (release it, or use
 * `using`); `runExclusive(fn)` holds a permit while `fn` runs. Waiters are served first come, first served;
 * a waiter cancelled at the moment it is granted a permit passes it on. A `release()` that hands the permit
 * straight to a waiter leaves `value` at 0 (asyncio 3.12+, trio).
 *
 * @example
 * ```ts
 * import { Semaphore, gather, sleep } from 'asyncio-ts';
 * const sem = new Semaphore(5); // at most 5 fetches at once
 * const fetchOne = (i: number) => sem.runExclusive(async () => { await sleep(100); return `item-${i}`; });
 * const results = await gather(...Array.from({ length: 30 }, (_, i) => () => fetchOne(i)));
 * ```
 */
export class Semaphore implements SemaphoreLike {
  /** @internal free permits; 0 whenever someone waits (a release hands the permit straight on). */
  protected free: number;
  /** @internal FIFO of callers waiting for a permit. */
  protected readonly waiters: AcquireQueue = new AcquireQueue();
  /** @internal the class name, for messages and `inspect`. */
  protected readonly kind: string;
  /** @internal what the task tree shows for a waiting caller. */
  protected readonly label: string;
  /** @internal names runExclusive in argument errors. */
  protected readonly runLabel: string;

  /** @param value the number of permits, an integer >= 0 (default 1). */
  constructor(value = 1) {
    checkInteger(value, 'value', new.target.name, 0);
    this.free = value;
    this.kind = new.target.name;
    this.label = `${this.kind}.acquire`;
    this.runLabel = `${this.kind}.runExclusive`;
  }

  /** Permits free now. */
  get value(): number {
    return this.free;
  }

  /** True when an `acquire()` would have to wait. */
  locked(): boolean {
    return this.free === 0;
  }

  /**
   * Takes a permit without waiting: a {@link Permit}, or `undefined` if none is free (or others wait).
   *
   * @example
   * ```ts
   * import { Semaphore } from 'asyncio-ts';
   * const sem = new Semaphore(1);
   * using permit = sem.tryAcquire(); // undefined when busy; `using` skips undefined
   * if (permit) console.log('got it');
   * ```
   */
  tryAcquire(): Permit | undefined {
    return this.take() ? new Permit(this, 0) : undefined;
  }

  /**
   * Waits for a permit and resolves with it. A checkpoint that settles without yielding when a permit is
   * free; rejects with `CancelledError` if the calling scope is cancelled, or with `signal.reason`.
   * `{ weight: n }` takes `n` permits at once (one {@link Permit} gives all back): the caller keeps its place
   * in line while it collects them, so a heavy job is not starved by light ones, and a cancelled caller
   * passes on every permit it had collected.
   *
   * @example
   * ```ts
   * declare function work(): Promise<void>;
   * import { Semaphore } from 'asyncio-ts';
   * const sem = new Semaphore(2);
   * const permit = await sem.acquire();
   * try { await work(); } finally { permit.release(); }
   * ```
   */
  acquire(options?: AcquireOptions): Promise<Permit> {
    const signal = signalOf(options, this.label);
    const weight = options?.weight;
    if (weight !== undefined && weight !== 1) return this.acquireWeighted(weight, signal);
    return acquirePermit(this, this.waiters, this.label, signal);
  }

  /**
   * Gives a permit back: to the first waiter if there is one (then `value` stays 0), otherwise to the pool.
   * Not a checkpoint. Prefer `permit.release()` or `runExclusive`, which cannot release twice.
   *
   * @example
   * ```ts
   * import { Semaphore } from 'asyncio-ts';
   * const sem = new Semaphore(0);
   * sem.release(); // value 1
   * ```
   */
  release(): void {
    this.handOn();
  }

  /**
   * Runs `fn` while holding a permit and gives it back however `fn` ends. A checkpoint while it waits for
   * the permit; `fn` is not called if the wait is cancelled.
   *
   * @example
   * <!-- no-run: fetches from the internet -->
   * ```ts
   * import { Semaphore } from 'asyncio-ts';
   * const sem = new Semaphore(5);
   * const body = await sem.runExclusive(() => fetch('https://example.com').then((r) => r.text()));
   * ```
   */
  runExclusive<T>(fn: () => PromiseLike<T> | T, options?: SignalOptions): Promise<T> {
    checkFunction(fn, 'fn', this.runLabel);
    return runExclusively(this, this.waiters, this.label, fn, signalOf(options, this.runLabel));
  }

  /** What the semaphore looks like now (trio's `statistics()`). */
  statistics(): SemaphoreStatistics {
    return { value: this.free, waiters: this.waiters.size };
  }

  /** @internal */
  [inspect.custom](): string {
    return `<${this.kind} value=${this.free} waiters=${this.waiters.size}>`;
  }

  /** @internal takes a free permit if nobody is ahead. Waiters exist only while `free` is 0. */
  take(): boolean {
    if (this.free === 0) return false;
    this.free--;
    return true;
  }

  /** @internal the end of a `runExclusive` holding (one permit, nothing to number). */
  releaseGrant(_grant: Grant): void {
    this.release();
  }

  /** @internal a `runExclusive` cancelled before `fn` started: the same as its end. */
  returnGrant(grant: Grant): void {
    this.releaseGrant(grant);
  }

  /** @internal nothing to do when a waiter leaves. */
  waiterLeft(): void {}

  /** @internal a permit comes back or a granted waiter was cancelled: the next waiter gets it, else the pool. */
  handOn(): void {
    if (!this.waiters.grantNext(this)) this.free++;
  }

  /**
   * @internal the value of one grant: a Permit for `acquire()`, nothing for `runExclusive`. For a
   * Semaphore the token is the weight of a weighted acquire (0 for one permit).
   */
  grantValue(wantsPermit: boolean, token: number): Grant {
    return wantsPermit ? new Permit(this, token) : undefined;
  }

  /** @internal called by a Permit: gives back one permit, or the `token` permits of a weighted acquire. */
  releasePermit(token: number): void {
    if (token <= 1) {
      this.release();
      return;
    }
    for (let i = 0; i < token; i++) this.release();
  }

  /** @internal a BoundedSemaphore refuses a weight above its bound (it could never be granted). */
  protected checkWeight(_weight: number, _where: string): void {}

  /** @internal `acquire({ weight })` with weight > 1: takes what is free now, waits at the head for the rest. */
  private acquireWeighted(weight: number, signal: AbortSignal | undefined): Promise<Permit> {
    checkInteger(weight, 'options.weight', this.label, 1);
    this.checkWeight(weight, this.label);
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    if (this.waiters.size === 0 && this.free >= weight) {
      this.free -= weight;
      return Promise.resolve(new Permit(this, weight));
    }
    const waiter = new AcquireWaiter(this, this.label, true);
    // Permits are free only while nobody waits: take them now, and keep `free` at 0 while this one waits.
    const taken = this.waiters.size === 0 ? this.free : 0;
    this.free -= taken;
    waiter.weight = weight;
    waiter.needed = weight - taken;
    waiter.restoreToken = weight;
    waiter.park(scope, signal);
    this.waiters.push(waiter);
    return waiter.promise as Promise<Permit>;
  }
}
