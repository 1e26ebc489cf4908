/**
 * `gather(...awaitables)`: asyncio.gather with cancellation that cleans up after itself.
 * @module
 */
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import type { RunState } from '../core/run-state.js';
import { currentRun, spawn, Task, type TaskObserver } from '../core/task.js';
import { Waiter } from '../core/waiter.js';
import { type Awaitable, type AwaitedOf, toTaskOrPromise } from './awaitable.js';

/** Options of {@link gather}, passed as its last argument. */
export interface GatherOptions {
  /** Failures and `CancelledError`s stand in the result array instead of rejecting. Default false. */
  returnExceptions?: boolean;
}

/** The results of {@link gather}, in argument order. */
export type Results<T extends readonly unknown[]> = { -readonly [K in keyof T]: AwaitedOf<T[K]> };

/**
 * Waits for every awaitable and returns their results in argument order. Functions are started as tasks
 * that `gather` owns. On the first failure it cancels the tasks it started that are still running, waits
 * for them, and rejects with that error (tasks and promises passed in are left alone). With
 * `{ returnExceptions: true }` as the last argument it never rejects for a child. If the caller is
 * cancelled, every child task is cancelled and awaited, then `CancelledError` is thrown.
 *
 * @example
 * ```ts
 * import { gather, sleep } from 'asyncio-ts';
 * const results = await gather(
 *   () => sleep(100, 'a'),
 *   () => sleep(200, 'b'),
 * ); // ['a', 'b'] after about 200 ms
 * ```
 */
export function gather<T extends readonly Awaitable<unknown>[]>(...awaitables: T): Promise<Results<T>>;
export function gather<T extends readonly Awaitable<unknown>[]>(
  ...args: [...T, GatherOptions & { returnExceptions: true }]
): Promise<{ -readonly [K in keyof T]: AwaitedOf<T[K]> | unknown }>;
export function gather<T extends readonly Awaitable<unknown>[]>(
  ...args: [...T, GatherOptions]
): Promise<Results<T>>;
export function gather(...args: unknown[]): Promise<unknown[]> {
  let returnExceptions = false;
  const last = args[args.length - 1];
  if (isOptions(last)) {
    args.pop();
    returnExceptions = last.returnExceptions === true;
  }
  const scope = storage.getStore();
  const cancelled = cancelledReason(scope);
  if (cancelled !== undefined) return Promise.reject(cancelled);
  const count = args.length;
  if (count === 0) return Promise.resolve([]);
  // One array of N serves as arguments, children and results: slot i holds the argument, then the child
  // started for it, then its result (a result is never a Task: resolving unwraps thenables). Five arrays of N
  // per call were about 5 % of spawning and joining 100,000 tasks.
  const slots = args;
  const state = new GatherWaiter(slots, returnExceptions);
  const run = currentRun();
  // Start everything first, so that a failure seen while attaching can cancel every task gather started.
  for (let i = 0; i < count; i++) {
    const arg = slots[i];
    const child =
      typeof arg === 'function' && !(arg instanceof Task)
        ? spawnIn(run, arg)
        : toTaskOrPromise(arg, 'gather', i);
    slots[i] = child;
    if (child instanceof Task) {
      state.tasksPending++;
      if (child !== arg) {
        state.flags[i] = TASK | OWNED;
        state.ownedPending++;
      } else state.flags[i] = TASK;
    }
  }
  state.park(scope, undefined);
  for (let i = 0; i < count; i++) {
    const child = slots[i] as Task<unknown> | PromiseLike<unknown>;
    if (child instanceof Task) {
      if (child.done()) {
        child.markRetrieved();
        state.onTaskDone(child, i);
      } else child.addCallback(state, i);
    } else {
      Promise.resolve(child).then(
        (value) => state.onValue(i, value),
        (err: unknown) => state.onFailure(i, err),
      );
    }
  }
  return state.promise;
}

function spawnIn(run: RunState, fn: Function): Task<unknown> {
  return spawn(fn as () => unknown, undefined, run, undefined);
}

function isOptions(value: unknown): value is GatherOptions {
  if (typeof value !== 'object' || value === null || value instanceof Task) return false;
  if (typeof (value as { then?: unknown }).then === 'function') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const TASK = 1;
const OWNED = 2;

class GatherWaiter extends Waiter<unknown[]> implements TaskObserver {
  /** Slot i: the child (a Task or a promise) until it is done, then its result (or error). */
  readonly results: unknown[];
  /** Per slot: TASK while it holds a pending task, OWNED where gather started it (it cancels only those on failure). */
  readonly flags: Uint8Array;
  private remaining: number;
  tasksPending = 0;
  ownedPending = 0;
  private failed = false;
  private firstError: unknown = undefined;
  /** The caller's cancellation, once it arrived: gather then waits for every child task and rethrows it. */
  private callerCancelled: unknown = undefined;
  private readonly returnExceptions: boolean;

  constructor(slots: unknown[], returnExceptions: boolean) {
    super('gather');
    this.results = slots;
    this.flags = new Uint8Array(slots.length);
    this.remaining = slots.length;
    this.returnExceptions = returnExceptions;
  }

  onTaskDone(task: Task<unknown>, index: number): void {
    // The result replaces the task in its slot at once: holding 100,000 finished tasks until the end made
    // every scavenge promote them.
    this.tasksPending--;
    if ((this.flags[index]! & OWNED) !== 0) this.ownedPending--;
    this.flags[index] = 0;
    if (task.state === 'fulfilled') this.onValue(index, task.outcome);
    else this.onFailure(index, task.outcome);
  }

  onValue(index: number, value: unknown): void {
    this.results[index] = value;
    this.remaining--;
    this.settleIfReady();
  }

  onFailure(index: number, error: unknown): void {
    if (this.returnExceptions) this.results[index] = error;
    else if (!this.failed && this.callerCancelled === undefined) {
      this.failed = true;
      this.firstError = error;
      const slots = this.results;
      const flags = this.flags;
      for (let i = 0; i < slots.length; i++)
        if (flags[i] === (TASK | OWNED)) (slots[i] as Task<unknown>).cancel();
    }
    this.remaining--;
    this.settleIfReady();
  }

  /** The caller's scope was cancelled: cancel every child task, wait for them, then reject. */
  override cancel(reason: unknown): void {
    if (!this.pending || this.callerCancelled !== undefined) return;
    this.callerCancelled = reason;
    this.unpark();
    const slots = this.results;
    const flags = this.flags;
    for (let i = 0; i < slots.length; i++) if ((flags[i]! & TASK) !== 0) (slots[i] as Task<unknown>).cancel();
    this.settleIfReady();
  }

  private settleIfReady(): void {
    if (!this.pending) return;
    if (this.callerCancelled !== undefined) {
      if (this.tasksPending === 0) this.fail(this.callerCancelled);
    } else if (this.failed) {
      if (this.ownedPending === 0) this.fail(this.firstError);
    } else if (this.remaining === 0) {
      this.resolve(this.results);
    }
  }
}
