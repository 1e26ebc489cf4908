/**
 * `wait(awaitables, { timeout, returnWhen })`: asyncio.wait. Never cancels anything.
 * @module
 */
import { cancelledReason } from '../core/cancelled.js';
import type { Clock, TimerEntry } from '../core/clock.js';
import { storage } from '../core/context.js';
import { Task, type TaskObserver } from '../core/task.js';
import { checkOptionalMs, checkOptions, describe } from '../core/validate.js';
import { Waiter } from '../core/waiter.js';
import { type Awaitable, toTaskOrPromise } from './awaitable.js';
import { clockOf } from './sleep.js';

/** When {@link wait} returns. */
export type ReturnWhen = 'FIRST_COMPLETED' | 'FIRST_EXCEPTION' | 'ALL_COMPLETED';

/** Options of {@link wait}. */
export interface WaitOptions {
  /** Return what is done after this many milliseconds (nothing is cancelled). */
  timeout?: number | null;
  /** Default `'ALL_COMPLETED'`. */
  returnWhen?: ReturnWhen;
}

/** The two sets {@link wait} returns. Functions passed in appear as the tasks started for them. */
export interface WaitResult<T> {
  done: Set<T>;
  pending: Set<T>;
}

type Item = Task<unknown> | PromiseLike<unknown>;

/**
 * Waits until the awaitables are done (`'ALL_COMPLETED'`), one is done (`'FIRST_COMPLETED'`) or one failed
 * (`'FIRST_EXCEPTION'`; cancellation is not a failure here), or the timeout passes, and returns the `done`
 * and `pending` sets. Never cancels anything and never throws for a child.
 *
 * @example
 * ```ts
 * import { wait, createTask, sleep } from 'asyncio-ts';
 * const fast = createTask(() => sleep(10, 'fast'));
 * const slow = createTask(() => sleep(1000, 'slow'));
 * const { done, pending } = await wait([fast, slow], { returnWhen: 'FIRST_COMPLETED' });
 * for (const t of pending) t.cancel();
 * ```
 */
export function wait<T extends Awaitable<unknown>>(
  awaitables: Iterable<T>,
  options?: WaitOptions,
): Promise<WaitResult<T extends () => PromiseLike<infer R> | infer R ? Task<Awaited<R>> : T>>;
export function wait(
  awaitables: Iterable<Awaitable<unknown>>,
  options?: WaitOptions,
): Promise<WaitResult<Item>> {
  if (awaitables === null || typeof (awaitables as Iterable<unknown>)?.[Symbol.iterator] !== 'function') {
    throw new TypeError(`wait: awaitables must be an iterable, received ${describe(awaitables)}`);
  }
  checkOptions(options, 'wait');
  const ms = options?.timeout ?? null;
  checkOptionalMs(ms, 'options.timeout', 'wait');
  const returnWhen = options?.returnWhen ?? 'ALL_COMPLETED';
  if (
    returnWhen !== 'ALL_COMPLETED' &&
    returnWhen !== 'FIRST_COMPLETED' &&
    returnWhen !== 'FIRST_EXCEPTION'
  ) {
    throw new RangeError(
      `wait: options.returnWhen must be 'FIRST_COMPLETED', 'FIRST_EXCEPTION' or 'ALL_COMPLETED', received ${describe(returnWhen)}`,
    );
  }
  const scope = storage.getStore();
  const cancelled = cancelledReason(scope);
  if (cancelled !== undefined) return Promise.reject(cancelled);
  const items: Item[] = [];
  let index = 0;
  for (const awaitable of awaitables) items.push(toTaskOrPromise(awaitable, 'wait', index++));
  const waiter = new WaitWaiter(clockOf(scope), returnWhen);
  for (const item of items) waiter.pendingSet.add(item);
  waiter.park(scope, undefined);
  for (const item of items) {
    if (item instanceof Task) {
      if (item.done()) waiter.onTaskDone(item);
      else item.addCallback(waiter, 0);
    } else {
      item.then(
        () => waiter.onSettled(item, false),
        () => waiter.onSettled(item, true),
      );
    }
  }
  if (waiter.pending) {
    if (waiter.pendingSet.size === 0) waiter.finish();
    else if (ms !== null) waiter.arm(ms);
  }
  return waiter.promise;
}

class WaitWaiter extends Waiter<WaitResult<Item>> implements TaskObserver, TimerEntry {
  /** wait() only sorts tasks into done and pending: a failure nobody then retrieves is still reported. */
  readonly passive = true;
  readonly done = new Set<Item>();
  readonly pendingSet = new Set<Item>();
  deadline = 0;
  heapIndex = -1;
  private readonly clock: Clock;
  private readonly returnWhen: ReturnWhen;

  constructor(clock: Clock, returnWhen: ReturnWhen) {
    super('wait');
    this.clock = clock;
    this.returnWhen = returnWhen;
  }

  arm(ms: number): void {
    this.deadline = this.clock.now() + ms;
    if (ms <= 0) this.finish();
    else this.clock.schedule(this);
  }

  onTaskDone(task: Task<unknown>): void {
    this.onSettled(task, task.state === 'rejected');
  }

  onSettled(item: Item, failed: boolean): void {
    if (!this.pending || !this.pendingSet.delete(item)) return;
    this.done.add(item);
    if (
      this.pendingSet.size === 0 ||
      this.returnWhen === 'FIRST_COMPLETED' ||
      (this.returnWhen === 'FIRST_EXCEPTION' && failed)
    ) {
      this.finish();
    }
  }

  onTimer(): void {
    this.finish();
  }

  finish(): void {
    this.detach();
    this.resolve({ done: this.done, pending: this.pendingSet });
  }

  protected override detach(): void {
    if (this.heapIndex >= 0) this.clock.unschedule(this);
    for (const item of this.pendingSet) if (item instanceof Task) item.removeCallback(this);
  }
}
