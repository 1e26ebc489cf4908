/**
 * `timeout(ms, fn)` and `timeoutAt(deadline, fn)`: run `fn` in a new cancel scope with a deadline
 * (asyncio.timeout, trio.fail_after). The deadline sits in the run clock's shared heap: no OS timer per call.
 * @module
 */
import { CancelScope, makeCancelledError } from '../core/cancel-scope.js';
import type { Clock } from '../core/clock.js';
import { storage } from '../core/context.js';
import { InvalidStateError, isCancellation, TimeoutError } from '../core/errors.js';
import { checkFunction, checkMs, checkOptionalMs } from '../core/validate.js';
import { clockOf } from './sleep.js';

/** `'active'` until the deadline fires (`'expired'`) or `fn` settles (`'exited'`). */
type TimeoutState = 'active' | 'expired' | 'exited';

/**
 * The scope a `timeout()` runs its function in: read or move its deadline.
 *
 * @example
 * ```ts
 * import { timeout, now } from 'asyncio-ts';
 * await timeout(1000, async (scope) => {
 *   scope.reschedule(now() + 5000); // more time after all
 *   return scope.when();
 * });
 * ```
 */
// Also a TimerEntry for the clock (structurally: those members are internal to the published types).
export class TimeoutScope extends CancelScope {
  /** @internal Infinity when there is no deadline. */
  deadline = Number.POSITIVE_INFINITY;
  /** @internal */
  heapIndex = -1;
  /** @internal Invariant: the timer is armed only while `state` is 'active' and the deadline is finite. */
  private state: TimeoutState = 'active';
  /** @internal */
  private readonly clock: Clock;
  /** @internal Set when the deadline fired (the scope stays expired after it exits). */
  private firedDeadline = false;

  /** @internal */
  constructor(parent: CancelScope | undefined, clock: Clock) {
    super(parent, parent?.task, false);
    this.clock = clock;
  }

  /** The deadline on the run's clock, or `null` if there is none. */
  when(): number | null {
    return this.deadline === Number.POSITIVE_INFINITY ? null : this.deadline;
  }

  /**
   * Moves the deadline (`null`: none). A deadline in the past expires the scope now. Throws
   * `InvalidStateError` once the scope has expired or exited.
   */
  reschedule(deadline: number | null): void {
    checkOptionalMs(deadline, 'deadline', 'TimeoutScope.reschedule');
    if (this.state !== 'active') {
      throw new InvalidStateError(
        `TimeoutScope.reschedule(): cannot reschedule a scope in state '${this.state}'`,
      );
    }
    if (this.heapIndex >= 0) this.clock.unschedule(this);
    this.deadline = deadline ?? Number.POSITIVE_INFINITY;
    if (deadline === null) return;
    if (deadline <= this.clock.now()) this.expire();
    else this.clock.schedule(this);
  }

  /** True once the deadline fired and cancelled the scope. */
  expired(): boolean {
    return this.firedDeadline;
  }

  /** @internal */
  onTimer(): void {
    if (this.state === 'active') this.expire();
  }

  /** @internal */
  private expire(): void {
    this.state = 'expired';
    this.firedDeadline = true;
    this.cancelScope(makeCancelledError(undefined, 'The timeout expired', this.task?.run.debug));
  }

  /** @internal */
  exit(): void {
    if (this.heapIndex >= 0) this.clock.unschedule(this);
    this.state = 'exited';
    this.detachFromParent();
  }

  /**
   * @internal Leaves the scope with `err` and returns what to throw: a `TimeoutError` if this scope's own
   * deadline cancelled the work and no enclosing scope is cancelled too (the outermost cancelled scope
   * claims the error, as in trio).
   */
  exitWith(err: unknown): unknown {
    const parent = this.parent;
    this.exit();
    if (this.firedDeadline && isCancellation(err) && parent?.cancelReason === undefined) {
      return new TimeoutError('The operation timed out', { cause: err });
    }
    return err;
  }
}

/**
 * Runs `fn` with a deadline `ms` milliseconds from now (`null`: none yet, see `scope.reschedule`). On
 * expiry the scope is cancelled; if `fn` then ends with that cancellation, `timeout` throws `TimeoutError`
 * (its `cause` is the `CancelledError`); if `fn` returns anyway, its value is returned. Cancellation from
 * outside stays a `CancelledError`.
 *
 * @example
 * ```ts
 * import { timeout, sleep, TimeoutError } from 'asyncio-ts';
 * try {
 *   await timeout(1000, () => sleep(5000));
 * } catch (err) {
 *   if (err instanceof TimeoutError) console.log('Timed out!');
 * }
 * ```
 */
export function timeout<T>(ms: number | null, fn: (scope: TimeoutScope) => PromiseLike<T> | T): Promise<T> {
  if (ms !== null) checkMs(ms, 'ms', 'timeout');
  checkFunction(fn, 'fn', 'timeout');
  const parent = storage.getStore();
  if (parent !== undefined && parent.cancelReason !== undefined) return Promise.reject(parent.cancelReason);
  const clock = clockOf(parent);
  return enter(parent, clock, ms === null ? null : clock.now() + ms, fn);
}

/**
 * Like {@link timeout}, with an absolute deadline on the run's clock (see `now()`).
 *
 * @example
 * ```ts
 * import { timeoutAt, now, sleep } from 'asyncio-ts';
 * const deadline = now() + 2000;
 * await timeoutAt(deadline, () => sleep(10));
 * ```
 */
export function timeoutAt<T>(
  deadline: number | null,
  fn: (scope: TimeoutScope) => PromiseLike<T> | T,
): Promise<T> {
  if (deadline !== null) checkMs(deadline, 'deadline', 'timeoutAt');
  checkFunction(fn, 'fn', 'timeoutAt');
  const parent = storage.getStore();
  if (parent !== undefined && parent.cancelReason !== undefined) return Promise.reject(parent.cancelReason);
  return enter(parent, clockOf(parent), deadline, fn);
}

function enter<T>(
  parent: CancelScope | undefined,
  clock: Clock,
  deadline: number | null,
  fn: (scope: TimeoutScope) => PromiseLike<T> | T,
): Promise<T> {
  const scope = new TimeoutScope(parent, clock);
  if (deadline !== null) {
    scope.deadline = deadline;
    if (deadline <= clock.now()) scope.onTimer();
    else clock.schedule(scope);
  }
  return storage.run(scope, runInScope, scope, fn) as Promise<T>;
}

/**
 * How many `timeout()` bodies are being called synchronously one inside the other right now. `fn` is called
 * synchronously (it starts at once, in the caller's turn), so nesting timeouts nests stack frames; past this
 * depth the body is started a microtask later on a fresh stack instead, so any depth of nesting works.
 */
let syncNesting = 0;
const MAX_SYNC_NESTING = 200;

function runInScope<T>(scope: TimeoutScope, fn: (scope: TimeoutScope) => PromiseLike<T> | T): Promise<T> {
  let result: PromiseLike<T> | T;
  if (syncNesting >= MAX_SYNC_NESTING) {
    // The reaction runs in this scope's context (captured by .then), on an empty stack.
    result = Promise.resolve(scope).then(fn);
  } else {
    syncNesting++;
    try {
      result = fn(scope);
    } catch (err) {
      return Promise.reject(scope.exitWith(err));
    } finally {
      syncNesting--;
    }
  }
  // The handlers are registered inside the scope's context frame, so they find the scope with getStore().
  return Promise.resolve(result).then(onScopeFulfilled, onScopeRejected) as Promise<T>;
}

function onScopeFulfilled(value: unknown): unknown {
  (storage.getStore() as TimeoutScope).exit();
  return value;
}

function onScopeRejected(err: unknown): never {
  throw (storage.getStore() as TimeoutScope).exitWith(err);
}
