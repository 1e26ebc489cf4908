/**
 * `waitFor(awaitable, ms)`: asyncio.wait_for.
 * @module
 */
import { cancelledReason } from '../core/cancelled.js';
import type { Clock, TimerEntry } from '../core/clock.js';
import { storage } from '../core/context.js';
import { TimeoutError } from '../core/errors.js';
import { Future } from '../core/future.js';
import { Task, type TaskObserver } from '../core/task.js';
import { checkOptionalMs, describe } from '../core/validate.js';
import { Waiter } from '../core/waiter.js';
import type { Awaitable, AwaitedOf } from './awaitable.js';
import { clockOf } from './sleep.js';
import { timeout } from './timeout.js';

/**
 * Waits for `awaitable` at most `ms` milliseconds (`null`: no limit), then throws `TimeoutError`:
 * - a function runs inside `timeout(ms)` in the caller's task;
 * - a task is cancelled at the deadline and awaited before `TimeoutError` is thrown (if the caller is
 *   cancelled, the task is cancelled and awaited too);
 * - a foreign promise cannot be cancelled: it is abandoned and `TimeoutError` is thrown at the deadline.
 *
 * @example
 * ```ts
 * import { waitFor, sleep, TimeoutError } from 'asyncio-ts';
 * try {
 *   await waitFor(() => sleep(5000), 1000);
 * } catch (err) {
 *   if (err instanceof TimeoutError) console.log('Timed out!');
 * }
 * ```
 */
export function waitFor<A extends Awaitable<unknown>>(
  awaitable: A,
  ms: number | null,
): Promise<AwaitedOf<A>> {
  checkOptionalMs(ms, 'ms', 'waitFor');
  if (typeof awaitable === 'function' && !(awaitable instanceof Task)) {
    return timeout(ms, awaitable as () => PromiseLike<AwaitedOf<A>>);
  }
  const isTask = awaitable instanceof Task;
  if (awaitable instanceof Future && awaitable.done()) {
    // Settled already: its outcome wins over a zero timeout, as for a done task.
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    try {
      return Promise.resolve(awaitable.result() as AwaitedOf<A>);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  if (!isTask && (awaitable === null || typeof (awaitable as PromiseLike<unknown>)?.then !== 'function')) {
    throw new TypeError(
      `waitFor: awaitable must be a Task, a promise or a function, received ${describe(awaitable)}`,
    );
  }
  const scope = storage.getStore();
  const cancelled = cancelledReason(scope);
  if (cancelled !== undefined) return Promise.reject(cancelled);
  const clock = clockOf(scope);
  const waiter = new WaitForWaiter<AwaitedOf<A>>(
    clock,
    isTask ? (awaitable as Task<AwaitedOf<A>>) : undefined,
  );
  waiter.park(scope, undefined);
  if (isTask) {
    const task = awaitable as Task<unknown>;
    task.markRetrieved();
    if (task.done()) waiter.onTaskDone(task);
    else task.addCallback(waiter, 0);
  } else {
    (awaitable as PromiseLike<AwaitedOf<A>>).then(
      (value) => waiter.settle(true, value),
      (err: unknown) => waiter.settle(false, err),
    );
  }
  if (ms !== null && waiter.pending) {
    if (ms <= 0) waiter.onTimer();
    else {
      waiter.deadline = clock.now() + ms;
      clock.schedule(waiter);
    }
  }
  return waiter.promise;
}

class WaitForWaiter<T> extends Waiter<T> implements TaskObserver, TimerEntry {
  deadline = 0;
  heapIndex = -1;
  private readonly clock: Clock;
  private readonly task: Task<T> | undefined;
  /** Set once the task was cancelled by us: the error to throw once it is done (TimeoutError or the caller's). */
  private pendingError: unknown = undefined;
  private timedOut = false;
  /** The caller's task, counted as blocked by hand while it waits for the task it cancelled. */
  private owner: Task<unknown> | undefined = undefined;

  constructor(clock: Clock, task: Task<T> | undefined) {
    super('waitFor');
    this.clock = clock;
    this.task = task;
  }

  /** The foreign promise settled. */
  settle(fulfilled: boolean, outcome: unknown): void {
    if (!this.pending) return;
    if (this.heapIndex >= 0) this.clock.unschedule(this);
    if (fulfilled) this.resolve(outcome as T);
    else this.fail(outcome);
  }

  onTaskDone(task: Task<unknown>): void {
    if (this.heapIndex >= 0) this.clock.unschedule(this);
    const owner = this.owner;
    if (owner !== undefined) {
      this.owner = undefined;
      owner.run.unblock(owner);
    }
    const state = task.state;
    if (this.pendingError !== undefined) {
      // We cancelled it: a task that still produced a value or its own error reports that (asyncio 3.12).
      if (!this.timedOut) this.fail(this.pendingError);
      else if (state === 'fulfilled') this.resolve(task.outcome as T);
      else if (state === 'rejected') this.fail(task.outcome);
      else
        this.fail(
          new TimeoutError(`waitFor: task ${task.name} did not finish in time`, { cause: task.outcome }),
        );
    } else if (state === 'fulfilled') this.resolve(task.outcome as T);
    else this.fail(task.outcome);
  }

  onTimer(): void {
    if (!this.pending) return;
    const task = this.task;
    if (task === undefined) {
      this.fail(new TimeoutError('waitFor: the promise did not settle in time'));
      return;
    }
    this.timedOut = true;
    this.pendingError = true;
    // Stays parked in the caller's scope while the task winds down: if the caller is cancelled meanwhile,
    // cancel() below turns the outcome into the caller's CancelledError instead of the task's late value.
    task.cancel('waitFor timed out');
    if (task.done()) this.onTaskDone(task);
  }

  /** The caller was cancelled: cancel the task too, wait for it, then rethrow the caller's cancellation. */
  override cancel(reason: unknown): void {
    if (!this.pending) return;
    if (this.heapIndex >= 0) this.clock.unschedule(this);
    const task = this.task;
    if (task === undefined || task.done()) {
      super.cancel(reason);
      return;
    }
    this.timedOut = false;
    this.pendingError = reason;
    // Out of the scope (its cancel is handled), but the caller still waits, on the task: it stays counted as
    // blocked, or a VirtualClock's autojump would see it as busy and never move time for the task to finish.
    const owner = this.scope?.task;
    this.unpark();
    if (owner !== undefined) owner.run.block(owner);
    this.owner = owner;
    task.cancel(reason);
  }

  protected override detach(): void {
    if (this.heapIndex >= 0) this.clock.unschedule(this);
  }
}
