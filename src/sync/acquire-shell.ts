/**
 * The one async shell of `Lock`, `Semaphore` and `RateLimiter` over their synchronous cores (trio's pattern:
 * `checkpoint_if_cancelled` → `acquire_nowait` → park). A primitive supplies the core as an
 * {@link AcquireTarget} and its {@link AcquireQueue}; the shell does the opening cancellation check, the
 * uncontended path (settled without a macrotask), the choice between a bare resolver (nothing can cancel the
 * caller) and a parked {@link AcquireWaiter}, and `runExclusive`'s hold-and-release. Free functions, not a
 * base class: the public classes keep their own documented methods, and each call site stays monomorphic.
 * @module
 */
import type { CancelScope } from '../core/cancel-scope.js';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import type { AcquireQueue, GrantTarget } from './acquire-queue.js';
import { AcquireWaiter, type Grant, type GrantSource } from './acquire-waiter.js';
import type { Permit } from './permit.js';

/** The synchronous core a primitive gives the shell. @internal */
export interface AcquireTarget extends GrantTarget, GrantSource {
  /** Takes the lock or a permit if free and nobody is ahead (`grantValue` then numbers the holding). */
  take(): boolean;
  /** Gives back what `grantValue` handed out for a `runExclusive` (its holding number, or nothing). */
  releaseGrant(grant: Grant): void;
  /**
   * Gives back the grant of a `runExclusive` cancelled after it was delivered, before `fn` started (for a lock
   * or a semaphore the same as `releaseGrant`; a rate limiter spends its token only when `fn` runs).
   */
  returnGrant(grant: Grant): void;
}

/**
 * `acquire()`: a checkpoint that resolves with what `grantValue(true, 0)` gives (a Permit; nothing for a rate
 * limiter), without yielding when the target is free. The grant stays tentative until delivered. @internal
 */
export function acquirePermit<G extends Grant = Permit>(
  target: AcquireTarget,
  queue: AcquireQueue,
  label: string,
  signal: AbortSignal | undefined,
): Promise<G> {
  const scope = storage.getStore();
  const cancelled = cancelledReason(scope, signal);
  if (cancelled !== undefined) return Promise.reject(cancelled);
  if (target.take()) return Promise.resolve(target.grantValue(true, 0) as G);
  if (scope === undefined && signal === undefined) return queue.pushPlain(true) as Promise<G>;
  const waiter = new AcquireWaiter(target, label, true);
  waiter.park(scope, signal);
  queue.push(waiter);
  return waiter.promise as Promise<G>;
}

/** `runExclusive(fn)`: holds the target while `fn` runs; `fn` is not called if the wait is cancelled. @internal */
export function runExclusively<T>(
  target: AcquireTarget,
  queue: AcquireQueue,
  label: string,
  fn: () => PromiseLike<T> | T,
  signal: AbortSignal | undefined,
): Promise<T> {
  const scope = storage.getStore();
  const cancelled = cancelledReason(scope, signal);
  if (cancelled !== undefined) return Promise.reject(cancelled);
  if (target.take()) return runHeld(target, target.grantValue(false, 0), fn);
  if (scope === undefined && signal === undefined) return runAfterPlain(target, queue.pushPlain(false), fn);
  const waiter = new AcquireWaiter(target, label, false);
  waiter.park(scope, signal);
  queue.push(waiter);
  return runAfter(target, waiter.promise, fn, scope, signal);
}

async function runHeld<T>(target: AcquireTarget, grant: Grant, fn: () => PromiseLike<T> | T): Promise<T> {
  try {
    return await fn();
  } finally {
    target.releaseGrant(grant);
  }
}

/** The wait of a caller that nothing can cancel (outside every task, no signal). */
async function runAfterPlain<T>(
  target: AcquireTarget,
  granted: Promise<Grant>,
  fn: () => PromiseLike<T> | T,
): Promise<T> {
  const grant = await granted;
  try {
    return await fn();
  } finally {
    target.releaseGrant(grant);
  }
}

async function runAfter<T>(
  target: AcquireTarget,
  granted: Promise<Grant>,
  fn: () => PromiseLike<T> | T,
  scope: CancelScope | undefined,
  signal: AbortSignal | undefined,
): Promise<T> {
  const grant = await granted;
  // Cancelled after the grant was delivered but before this code resumed: fn must not start, and the lock,
  // permit or token goes on to the next waiter (asyncio test_acquire_no_hang).
  const cancelled = cancelledReason(scope, signal);
  if (cancelled !== undefined) {
    target.returnGrant(grant);
    throw cancelled;
  }
  try {
    return await fn();
  } finally {
    target.releaseGrant(grant);
  }
}
