/**
 * `asCompleted(awaitables, { timeout })`: asyncio.as_completed as an async iterable.
 * @module
 */
import { cancelledReason } from '../core/cancelled.js';
import type { Clock, TimerEntry } from '../core/clock.js';
import { storage } from '../core/context.js';
import { TimeoutError } from '../core/errors.js';
import { Task, type TaskObserver } from '../core/task.js';
import { checkOptionalMs, checkOptions, describe } from '../core/validate.js';
import { Waiter } from '../core/waiter.js';
import { type Awaitable, toTaskOrPromise } from './awaitable.js';
import { clockOf } from './sleep.js';

/** Options of {@link asCompleted}. */
export interface AsCompletedOptions {
  /** Total time for all items; then the iteration throws `TimeoutError`. */
  timeout?: number | null;
}

type Item = Task<unknown> | PromiseLike<unknown>;

/**
 * Yields the awaitables in the order they finish: each yielded item is settled, so `await item` gives its
 * value or throws its error at once. Functions are started as tasks that the iteration owns: leaving the
 * loop early (break, throw, timeout) cancels those still running. Each step is a checkpoint.
 *
 * @example
 * ```ts
 * import { asCompleted, sleep } from 'asyncio-ts';
 * for await (const done of asCompleted([() => sleep(300, 'slow'), () => sleep(100, 'fast')])) {
 *   console.log(await done); // 'fast', then 'slow'
 * }
 * ```
 */
export function asCompleted<T>(
  awaitables: Iterable<Awaitable<T>>,
  options?: AsCompletedOptions,
): AsyncIterableIterator<Task<T> | PromiseLike<T>> {
  if (awaitables === null || typeof (awaitables as Iterable<unknown>)?.[Symbol.iterator] !== 'function') {
    throw new TypeError(`asCompleted: awaitables must be an iterable, received ${describe(awaitables)}`);
  }
  checkOptions(options, 'asCompleted');
  const ms = options?.timeout ?? null;
  checkOptionalMs(ms, 'options.timeout', 'asCompleted');
  const scope = storage.getStore();
  const items: Item[] = [];
  const owned = new Set<Task<unknown>>();
  let index = 0;
  // The same task or promise given twice is yielded once (asyncio takes a set); each function is its own job.
  const seen = new Set<unknown>();
  for (const awaitable of awaitables) {
    if (typeof awaitable !== 'function' || awaitable instanceof Task) {
      if (seen.has(awaitable)) {
        index++;
        continue;
      }
      seen.add(awaitable);
    }
    const item = toTaskOrPromise(awaitable, 'asCompleted', index++);
    if (item !== awaitable) owned.add(item as Task<unknown>);
    items.push(item);
  }
  const clock = clockOf(scope);
  const iterator = new AsCompletedIterator(items, owned, clock, ms === null ? null : clock.now() + ms);
  return iterator as unknown as AsyncIterableIterator<Task<T> | PromiseLike<T>>;
}

class AsCompletedIterator implements TaskObserver, TimerEntry {
  private readonly ready: Item[] = [];
  private readyHead = 0;
  private remaining: number;
  private readonly owned: Set<Task<unknown>>;
  private readonly items: Item[];
  private waiter: Waiter<IteratorResult<Item>> | undefined = undefined;
  private finished = false;
  private expired = false;
  deadline: number;
  heapIndex = -1;
  private readonly clock: Clock;

  constructor(items: Item[], owned: Set<Task<unknown>>, clock: Clock, deadline: number | null) {
    this.items = items;
    this.owned = owned;
    this.clock = clock;
    this.remaining = items.length;
    this.deadline = deadline ?? Number.POSITIVE_INFINITY;
    for (const item of items) {
      if (item instanceof Task) {
        if (item.done()) this.onTaskDone(item);
        else item.addCallback(this, 0);
      } else {
        item.then(
          () => this.push(item),
          () => this.push(item),
        );
      }
    }
    if (deadline !== null && this.remaining > 0) {
      if (deadline <= clock.now()) this.expired = true;
      else clock.schedule(this);
    }
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  onTaskDone(task: Task<unknown>): void {
    task.markRetrieved();
    this.push(task);
  }

  private push(item: Item): void {
    if (this.finished) return;
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      this.remaining--;
      waiter.resolve({ value: item, done: false });
      if (this.remaining === 0) this.close();
    } else {
      this.ready.push(item);
    }
  }

  onTimer(): void {
    this.expired = true;
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter.fail(this.timeoutError());
      this.close();
    }
  }

  next(): Promise<IteratorResult<Item>> {
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope);
    if (cancelled !== undefined) {
      this.close();
      return Promise.reject(cancelled);
    }
    if (this.readyHead < this.ready.length) {
      const item = this.ready[this.readyHead++]!;
      this.remaining--;
      if (this.remaining === 0) this.close();
      return Promise.resolve({ value: item, done: false });
    }
    if (this.remaining === 0 || this.finished) return Promise.resolve({ value: undefined, done: true });
    if (this.expired) {
      this.close();
      return Promise.reject(this.timeoutError());
    }
    if (this.waiter !== undefined) return this.waiter.promise;
    const waiter = new Waiter<IteratorResult<Item>>('asCompleted');
    waiter.park(scope, undefined);
    this.waiter = waiter;
    // A cancelled step leaves the iteration: stop listening and cancel what we started.
    waiter.promise.then(undefined, () => {
      if (this.waiter === waiter) this.waiter = undefined;
      this.close();
    });
    return waiter.promise;
  }

  return(): Promise<IteratorResult<Item>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  private timeoutError(): TimeoutError {
    return new TimeoutError(
      `asCompleted: ${this.remaining} of ${this.items.length} still pending at the timeout`,
    );
  }

  private close(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.heapIndex >= 0) this.clock.unschedule(this);
    for (const item of this.items) if (item instanceof Task) item.removeCallback(this);
    for (const task of this.owned) task.cancel();
  }
}
