/**
 * `cancellable(promise)` and `currentSignal()`: the two ways to make foreign I/O follow cancellation.
 * @module
 */
import { storage } from '../core/context.js';
import { describe } from '../core/validate.js';
import { HOLDS_CLOCK, Waiter } from '../core/waiter.js';

/**
 * Awaits a foreign promise as a checkpoint: rejects with `CancelledError` as soon as the calling scope is
 * cancelled, abandoning the promise (its eventual outcome is ignored). Prefer passing `currentSignal()` to
 * APIs that accept one, so the work itself stops.
 *
 * @example
 * ```ts
 * declare const db: { query(sql: string): Promise<unknown[]> };
 * import { cancellable } from 'asyncio-ts';
 * const rows = await cancellable(db.query('select 1'));
 * ```
 */
export function cancellable<T>(promise: PromiseLike<T>): Promise<T> {
  if (
    promise === null ||
    (typeof promise !== 'object' && typeof promise !== 'function') ||
    typeof promise.then !== 'function'
  ) {
    throw new TypeError(`cancellable: promise must be a promise or thenable, received ${describe(promise)}`);
  }
  const scope = storage.getStore();
  if (scope === undefined) return Promise.resolve(promise);
  if (scope.cancelReason !== undefined) {
    Promise.resolve(promise).then(undefined, ignore);
    return Promise.reject(scope.cancelReason);
  }
  const waiter = new Waiter<T>('cancellable');
  waiter.clockRole = HOLDS_CLOCK; // foreign I/O: a virtual clock must not jump past it
  waiter.park(scope, undefined);
  promise.then(
    (value) => waiter.resolve(value),
    (err: unknown) => waiter.fail(err),
  );
  return waiter.promise;
}

function ignore(): void {}

const neverAborted = new AbortController().signal;

/**
 * An `AbortSignal` that aborts when the calling scope is cancelled, with the `CancelledError` as its
 * reason. Pass it to `fetch`, streams, `child_process` and any API that takes a signal. Created on first
 * use per scope; outside every task it never aborts.
 *
 * @example
 * ```ts
 * declare const url: string;
 * import { currentSignal } from 'asyncio-ts';
 * const res = await fetch(url, { signal: currentSignal() });
 * ```
 */
export function currentSignal(): AbortSignal {
  const scope = storage.getStore();
  return scope === undefined ? neverAborted : scope.signal;
}
