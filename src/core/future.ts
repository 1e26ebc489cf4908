/**
 * `Future<T>`: a value that will be set later, for bridging callback APIs (asyncio.Future). Awaiting it is
 * a checkpoint: a cancelled awaiter stops waiting, the future itself is left alone.
 * @module
 */

import { inspect } from 'node:util';
import { makeCancelledError } from './cancel-scope.js';
import { cancelledReason } from './cancelled.js';
import { storage } from './context.js';
import { type CancelledError, InvalidStateError } from './errors.js';
import { checkFunction, describe } from './validate.js';
import { Waiter } from './waiter.js';

type FutureState = 'pending' | 'fulfilled' | 'rejected' | 'cancelled';

/**
 * A result that someone sets later.
 *
 * @example
 * ```ts
 * import { Future } from 'asyncio-ts';
 * const fut = new Future<string>();
 * setTimeout(() => fut.setResult('ready'), 10);
 * console.log(await fut); // 'ready'
 * ```
 */
export class Future<T> implements PromiseLike<T> {
  private state: FutureState = 'pending';
  private outcome: unknown = undefined;
  private waiters: FutureWaiter<T>[] | undefined = undefined;
  private callbacks: Array<(future: Future<T>) => void> | undefined = undefined;
  private plainPromise: Promise<T> | undefined = undefined;
  /** Set once someone could see the outcome (await, result(), exception(), a done callback). */
  private retrieved = false;

  /** True once a result, an exception or a cancellation was set. */
  done(): boolean {
    return this.state !== 'pending';
  }

  cancelled(): boolean {
    return this.state === 'cancelled';
  }

  /** Sets the value; `InvalidStateError` if already done. */
  setResult(value: T): void {
    this.settle('fulfilled', value, 'setResult');
  }

  /** Sets the error; `InvalidStateError` if already done. */
  setException(error: unknown): void {
    this.settle('rejected', error, 'setException');
  }

  /** Cancels the future (awaiters get `CancelledError`); false if already done. */
  cancel(reason?: unknown): boolean {
    if (this.state !== 'pending') return false;
    this.settle('cancelled', makeCancelledError(reason, 'The future was cancelled'), 'cancel');
    return true;
  }

  /** The value; throws the error, `CancelledError`, or `InvalidStateError` while pending. */
  result(): T {
    if (this.state === 'pending') throw new InvalidStateError('Future.result(): the future is not done');
    this.markRetrieved();
    if (this.state !== 'fulfilled') throw this.outcome;
    return this.outcome as T;
  }

  /** The error, or undefined; throws `CancelledError` if cancelled, `InvalidStateError` while pending. */
  exception(): unknown {
    if (this.state === 'pending') throw new InvalidStateError('Future.exception(): the future is not done');
    this.markRetrieved();
    if (this.state === 'cancelled') throw this.outcome as CancelledError;
    return this.state === 'rejected' ? this.outcome : undefined;
  }

  /** Calls `callback(future)` when done (soon, if it already is). */
  addDoneCallback(callback: (future: Future<T>) => void): void {
    checkFunction(callback, 'callback', 'Future.addDoneCallback');
    this.markRetrieved();
    if (this.state !== 'pending') queueMicrotask(() => callback(this));
    else (this.callbacks ??= []).push(callback);
  }

  /** Removes every registration of `callback`; returns how many were removed. */
  removeDoneCallback(callback: (future: Future<T>) => void): number {
    const list = this.callbacks;
    if (list === undefined) return 0;
    const before = list.length;
    this.callbacks = list.filter((cb) => cb !== callback);
    return before - this.callbacks.length;
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.markRetrieved();
    return this.wait().then(onfulfilled, onrejected);
  }

  private markRetrieved(): void {
    if (this.retrieved) return;
    this.retrieved = true;
    if (this.state === 'rejected') unretrievedFutures.unregister(this);
  }

  private wait(): Promise<T> {
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    if (this.state === 'fulfilled') return Promise.resolve(this.outcome as T);
    if (this.state !== 'pending') return Promise.reject(this.outcome);
    if (scope === undefined && this.plainPromise !== undefined) return this.plainPromise;
    const waiter = new FutureWaiter<T>(this);
    waiter.park(scope, undefined);
    (this.waiters ??= []).push(waiter);
    if (scope === undefined) this.plainPromise = waiter.promise;
    return waiter.promise;
  }

  /** @internal */
  forget(waiter: FutureWaiter<T>): void {
    const list = this.waiters;
    if (list === undefined) return;
    const index = list.indexOf(waiter);
    if (index >= 0) list.splice(index, 1);
  }

  private settle(state: FutureState, outcome: unknown, method: string): void {
    if (this.state !== 'pending') {
      throw new InvalidStateError(`Future.${method}(): the future is already done (state: ${this.state})`);
    }
    this.state = state;
    this.outcome = outcome;
    const waiters = this.waiters;
    this.waiters = undefined;
    if (waiters !== undefined) {
      for (const waiter of waiters) {
        if (state === 'fulfilled') waiter.resolve(outcome as T);
        else waiter.fail(outcome);
      }
    }
    const callbacks = this.callbacks;
    this.callbacks = undefined;
    if (state === 'rejected' && !this.retrieved) {
      // Reported if the future is garbage-collected before anyone looks at the error (asyncio does too).
      unretrievedFutures.register(this, outcome, this);
    }
    if (callbacks !== undefined) for (const callback of callbacks) callback(this);
  }

  [inspect.custom](): string {
    return `<Future state=${this.state}>`;
  }
}

const unretrievedFutures = new FinalizationRegistry<unknown>((error) => {
  const summary = error instanceof Error ? `${error.name}: ${error.message}` : describe(error);
  process.emitWarning(`Future exception was never retrieved: ${summary}`, {
    type: 'AsyncioWarning',
    code: 'ASYNCIO_TS_FUTURE_EXCEPTION_NEVER_RETRIEVED',
    detail: error instanceof Error ? error.stack : undefined,
  });
});

class FutureWaiter<T> extends Waiter<T> {
  private readonly future: Future<T>;
  constructor(future: Future<T>) {
    super('Future');
    this.future = future;
  }
  protected override detach(): void {
    this.future.forget(this);
  }
}
