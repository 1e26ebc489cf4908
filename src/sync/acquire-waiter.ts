/**
 * The waiter of `Lock`, `Semaphore` and `RateLimiter` acquisitions: a grant that could not be delivered (its task was
 * cancelled in between) is handed on to the next waiter by the owner (DESIGN principle 5).
 * @module
 */
import { grantsPending, Waiter } from '../core/waiter.js';
import type { Permit } from './permit.js';

/** The side of a primitive that hands a revoked grant on. @internal */
export interface GrantSource {
  /** Passes the lock or permit that a cancelled waiter could not take to the next waiter (or frees it). */
  handOn(): void;
  /** A waiter that was not granted left the line, cancelled (a rate limiter disarms its timer if none is left). */
  waiterLeft(): void;
}

/**
 * What an acquisition is granted: a Permit for `acquire()`; for `runExclusive` and the Condition's
 * re-acquire, the Lock's number of the new holding (undefined for a Semaphore). @internal
 */
export type Grant = Permit | number | undefined;

/** @internal */
export class AcquireWaiter extends Waiter<Grant> {
  /** `acquire()` wants a Permit; `runExclusive` and the Condition's re-acquire do not (no allocation). */
  readonly wantsPermit: boolean;
  /** A Lock holding number to take the lock back under (`Condition.wait`); 0 for a new holding. */
  restoreToken = 0;
  /** Its place in line across both kinds of waiter (see `AcquireQueue`). */
  ticket = 0;
  /** Permits a weighted `Semaphore.acquire({ weight })` takes at once (1 otherwise). */
  weight = 1;
  /**
   * Permits still missing. A weighted waiter collects them at the head of the line (later waiters wait
   * behind it: FIFO, no barging); it is granted when the last one arrives.
   */
  needed = 1;
  private readonly source: GrantSource;

  constructor(source: GrantSource, label: string, wantsPermit: boolean) {
    super(label);
    this.source = source;
    this.wantsPermit = wantsPermit;
  }

  // A grant it could not take: every permit it stood for goes on (one, or `weight`).
  protected override revoke(): void {
    for (let i = 0; i < this.weight; i++) this.source.handOn();
  }

  // Cancelled while waiting: the permits a weighted waiter had collected so far go on too.
  protected override detach(): void {
    for (let i = this.weight - this.needed; i > 0; i--) this.source.handOn();
    this.source.waiterLeft();
  }
}

/**
 * Gives `value` to a waiter just taken off a queue. A waiter linked to no scope and no signal cannot be
 * cancelled, so it is resolved at once (unless grants made before it are still on their way: then it
 * queues behind them, to resume in turn); otherwise the grant is tentative until it is delivered.
 * @internal
 */
export function handTo<T>(waiter: Waiter<T>, value: T): void {
  if (waiter.scope === undefined && waiter.signal === undefined && !grantsPending()) waiter.resolve(value);
  else waiter.grant(value);
}
