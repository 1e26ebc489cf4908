/**
 * `RateLimiter(rate, perMs)`: a token bucket on the run's clock. Implemented as GCRA (one "theoretical
 * arrival time" instead of a token count), so no timer ticks while nobody waits and waiting callers are
 * released at exact times: one timer entry per limiter, armed only while the queue is not empty.
 * @module
 */

import { inspect } from 'node:util';
import type { CancelScope } from '../core/cancel-scope.js';
import { type Clock, systemClock, type TimerEntry } from '../core/clock.js';
import { storage } from '../core/context.js';
import { checkFunction, checkInteger, checkMs } from '../core/validate.js';
import { AcquireQueue } from './acquire-queue.js';
import { acquirePermit, runExclusively } from './acquire-shell.js';
import type { Grant } from './acquire-waiter.js';
import type { RateLimiterLike } from './like.js';
import { type SignalOptions, signalOf } from './options.js';

/** Float slack when comparing times (milliseconds), far below any clock's resolution. */
const EPSILON_MS = 1e-6;

/** What {@link RateLimiter.statistics} reports. */
export interface RateLimiterStatistics {
  /** Acquisitions allowed per `perMs`, and the largest burst. */
  rate: number;
  /** The window in milliseconds. */
  perMs: number;
  /** Whole tokens available now (0 to `rate`). */
  tokens: number;
  /** Callers waiting in `acquire()` or `runExclusive()`. */
  waiters: number;
}

/**
 * Allows `rate` acquisitions per `perMs` milliseconds: a token bucket holding up to `rate` tokens (so a burst
 * of `rate` goes through at once) refilled continuously at `rate / perMs`. Waiters are served in arrival
 * order, each as soon as a token is due; a cancelled waiter leaves the queue at once and costs nothing (a
 * token granted to it in the same turn goes to the next waiter). Time is read from the clock of the run the
 * limiter was made in, or else first used in (a virtual clock in tests); the limiter adopts a new run's clock
 * when a task of that run uses it while it is idle. A caller outside every task reads the limiter's clock.
 *
 * @example
 * ```ts
 * declare const urls: string[];
 * import { RateLimiter, gather } from 'asyncio-ts';
 * const limiter = new RateLimiter(10, 1000); // 10 requests per second, bursts of 10
 * const bodies = await gather(
 *   ...urls.map((url) => () => limiter.runExclusive(() => fetch(url).then((r) => r.text()))),
 * );
 * ```
 */
export class RateLimiter implements RateLimiterLike {
  /** Acquisitions allowed per `perMs`, and the largest burst. */
  readonly rate: number;
  /** The window in milliseconds. */
  readonly perMs: number;
  /** @internal milliseconds per token. */
  private readonly interval: number;
  /** @internal how far ahead of now the theoretical arrival time may run: the burst, in milliseconds. */
  private readonly tolerance: number;
  /**
   * @internal GCRA's theoretical arrival time: when the bucket would be full again. An acquisition at `now`
   * is allowed while `max(tat, now) - now <= tolerance`, and moves `tat` on by one interval.
   */
  private tat = Number.NEGATIVE_INFINITY;
  /** @internal the clock `tat` is measured on. */
  private clock: Clock | undefined;
  /** @internal callers waiting for a token, in arrival order (cancellable or not). */
  private readonly waiters = new AcquireQueue();
  /** @internal the one timer entry: due when the first waiter may go. */
  private readonly timer: TimerEntry;
  /** @internal */
  private armed = false;

  /**
   * @param rate acquisitions per window and the largest burst, an integer >= 1.
   * @param perMs the window in milliseconds, a finite number > 0.
   */
  constructor(rate: number, perMs: number) {
    checkInteger(rate, 'rate', 'RateLimiter', 1);
    checkMs(perMs, 'perMs', 'RateLimiter');
    if (!(perMs > 0) || perMs === Number.POSITIVE_INFINITY) {
      throw new RangeError(`RateLimiter: perMs must be a finite number > 0, received ${perMs}`);
    }
    this.rate = rate;
    this.perMs = perMs;
    this.interval = perMs / rate;
    this.tolerance = perMs - this.interval;
    this.timer = { deadline: 0, heapIndex: -1, onTimer: () => this.onTimer() };
    // Made in a task: that run's clock, also for callers outside every task (they have no run to name).
    this.clock = storage.getStore()?.task?.run.clock;
  }

  /**
   * Takes a token if one is available and nobody waits: `true`, else `false`. Never waits.
   *
   * @example
   * ```ts
   * import { RateLimiter } from 'asyncio-ts';
   * const limiter = new RateLimiter(1, 1000);
   * limiter.tryAcquire(); // true
   * limiter.tryAcquire(); // false until a second has passed
   * ```
   */
  tryAcquire(): boolean {
    const clock = this.clockFor(storage.getStore());
    return this.waiters.size === 0 && this.takeAt(clock.now());
  }

  /**
   * Waits for a token. Settles without yielding when one is available and nobody waits. A checkpoint:
   * rejects with `CancelledError` if the calling scope is cancelled, or with `signal.reason`; a cancelled
   * waiter consumes no token.
   *
   * @example
   * ```ts
   * declare const ids: number[];
   * declare function send(id: number): Promise<void>;
   * import { RateLimiter } from 'asyncio-ts';
   * const limiter = new RateLimiter(5, 1000);
   * for (const id of ids) {
   *   await limiter.acquire();
   *   void send(id); // at most 5 sends per second
   * }
   * ```
   */
  acquire(options?: SignalOptions): Promise<void> {
    const label = 'RateLimiter.acquire';
    return acquirePermit<undefined>(this, this.waiters, label, signalOf(options, label));
  }

  /**
   * Waits for a token, then runs `fn` and returns its outcome. (A token is spent, not held: nothing is
   * given back when `fn` ends.)
   *
   * @example
   * ```ts
   * declare const api: { getUser(id: number): Promise<{ name: string }> };
   * import { RateLimiter } from 'asyncio-ts';
   * const limiter = new RateLimiter(2, 1000);
   * const user = await limiter.runExclusive(() => api.getUser(42));
   * ```
   */
  runExclusive<T>(fn: () => PromiseLike<T> | T, options?: SignalOptions): Promise<T> {
    checkFunction(fn, 'fn', 'RateLimiter.runExclusive');
    const signal = signalOf(options, 'RateLimiter.runExclusive');
    return runExclusively(this, this.waiters, 'RateLimiter.acquire', fn, signal);
  }

  /** What the limiter looks like now. */
  statistics(): RateLimiterStatistics {
    return { rate: this.rate, perMs: this.perMs, tokens: this.tokens(), waiters: this.waiters.size };
  }

  /** @internal */
  [inspect.custom](): string {
    return `<RateLimiter rate=${this.rate} perMs=${this.perMs} tokens=${this.tokens()} waiters=${this.waiters.size}>`;
  }

  /**
   * @internal the shell's `take()`: a token now if nobody waits. When there is none, the caller queues next,
   * so the timer is armed for when the first waiter may go.
   */
  take(): boolean {
    const clock = this.clockFor(storage.getStore());
    if (this.waiters.size === 0 && this.takeAt(clock.now())) return true;
    if (!this.armed) this.arm();
    return false;
  }

  /** @internal a token is spent, not held: nothing to give back (`acquire()` resolves with nothing). */
  grantValue(): Grant {
    return undefined;
  }

  /** @internal the end of a `runExclusive`: the token was spent. */
  releaseGrant(): void {}

  /** @internal a `runExclusive` cancelled before `fn` started: its token goes on. */
  returnGrant(): void {
    this.handOn();
  }

  /** @internal a granted waiter was cancelled before it resumed: its token goes to the next waiter or back. */
  handOn(): void {
    if (this.waiters.grantNext(this)) this.waiterLeft();
    else this.tat -= this.interval;
  }

  /** @internal no timer stays armed for an empty queue (nothing keeps the process alive). */
  waiterLeft(): void {
    if (this.armed && this.waiters.size === 0) {
      this.armed = false;
      this.clock?.unschedule(this.timer);
    }
  }

  /** @internal GCRA: takes a token at `now` if the bucket has one. */
  private takeAt(now: number): boolean {
    const base = Math.max(this.tat, now);
    if (base - now > this.tolerance + EPSILON_MS) return false;
    this.tat = base + this.interval;
    return true;
  }

  /**
   * @internal the clock to measure on: the limiter's, or a new run's once the limiter is idle and full. A
   * caller outside every task names no run: it reads the limiter's clock (the system clock if it has none).
   */
  private clockFor(scope: CancelScope | undefined): Clock {
    const clock = scope?.task?.run.clock;
    const current = this.clock;
    if (current === undefined) {
      this.clock = clock ?? systemClock;
    } else if (
      clock !== undefined &&
      clock !== current &&
      this.waiters.size === 0 &&
      this.tat <= current.now()
    ) {
      this.clock = clock;
      this.tat = Number.NEGATIVE_INFINITY;
    }
    return this.clock as Clock;
  }

  /** @internal arms the timer for when the first waiter may go. */
  private arm(): void {
    this.timer.deadline = this.tat - this.tolerance;
    this.armed = true;
    (this.clock as Clock).schedule(this.timer);
  }

  /** @internal */
  private onTimer(): void {
    this.armed = false;
    // The clock calls this once the deadline is due (a system clock may fire a hair early).
    const now = Math.max((this.clock as Clock).now(), this.timer.deadline);
    while (this.waiters.size > 0 && this.takeAt(now)) this.waiters.grantNext(this);
    if (this.waiters.size > 0) this.arm();
  }

  /** @internal */
  private tokens(): number {
    if (this.clock === undefined) return this.rate;
    const now = this.clock.now();
    const available = (now - (this.tat - this.tolerance - this.interval)) / this.interval;
    return Math.max(0, Math.min(this.rate, Math.floor(available + EPSILON_MS)));
  }
}
