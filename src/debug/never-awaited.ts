/**
 * Debug mode's "was never awaited" warnings (asyncio's "coroutine … was never awaited"):
 *  - a library wait (`sleep()`, `lock.acquire()`, `queue.get()`, …) whose promise is garbage-collected
 *    without anyone having called `then` on it (`await`, `.then`, `Promise.all` all do);
 *  - a task that finished with a value nobody retrieved (no `await`, `result()`, done callback) when it is
 *    collected. A failed task is already reported as "Task exception was never retrieved"; a cancelled one
 *    is not reported (background tasks cancelled when their run ends are normal).
 *
 * To see `await`, a debug-mode waiter's promise is a `Promise` subclass: `await` on it goes through its
 * `then` (one extra microtask per await, debug mode only). Promises returned by a fast path that never
 * waits (an uncontended `acquire()`) are plain and not tracked.
 * @module
 */

import { setAwaitTracker, type WaitPoint } from '../core/channels.js';
import { storage } from '../core/context.js';
import type { Task } from '../core/task.js';
import { discount } from './blocking-detector.js';
import { captureStack, firstUserFrame, userFrames } from './creation-site.js';
import type { TaskRecord } from './records.js';

/** @internal what a finished, unretrieved task leaves for its finalizer. */
export interface DroppedTask {
  readonly name: string;
  retrieved: boolean;
  readonly stack: string | undefined;
}

interface DroppedWait {
  label: string;
  taskName: string;
  stack: string;
}

const droppedWaits = new FinalizationRegistry<DroppedWait>(reportDroppedWait);
const droppedTasks = new FinalizationRegistry<DroppedTask>(reportDroppedTask);

/** A waiter's promise in debug mode: `then` (which `await` calls for a subclass) marks it awaited. */
class TrackedPromise<T> extends Promise<T> {
  #awaited = false;

  // Derived promises (`then`'s result) are plain: only the waiter's own promise is tracked.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    if (!this.#awaited) {
      this.#awaited = true;
      droppedWaits.unregister(this);
    }
    return super.then(onfulfilled, onrejected);
  }
}

function trackedPromise<T>(
  executor: (resolve: (value: T) => void, reject: (reason: unknown) => void) => void,
  wait: WaitPoint,
): Promise<T> {
  const task = storage.getStore()?.task;
  if (task === undefined || !task.run.debug) return new Promise<T>(executor);
  const promise = new TrackedPromise<T>(executor);
  // Formatted now: a captured stack keeps its frames' receivers (the waiter, hence this promise) alive.
  const since = performance.now();
  const stack = userFrames(captureStack());
  discount(since);
  droppedWaits.register(promise, { label: wait.label, taskName: task.name, stack }, promise);
  return promise;
}

let users = 0;

/** Starts tracking (reference counted: one per active debug run). @internal */
export function acquireAwaitTracking(): void {
  if (users++ === 0) setAwaitTracker(trackedPromise);
}

/** @internal */
export function releaseAwaitTracking(): void {
  if (--users === 0) setAwaitTracker(undefined);
}

/** Called when a task of a debug run finishes: a value nobody retrieved is watched until collection. @internal */
export function watchFinishedTask(task: Task<unknown>, record: TaskRecord, state: string): void {
  if (state !== 'fulfilled' || task.retrieved) return;
  // Published before the task's done callbacks run (an awaiter retrieves it there): decide a turn later.
  queueMicrotask(() => watchUnretrieved(task, record));
}

function watchUnretrieved(task: Task<unknown>, record: TaskRecord): void {
  if (task.retrieved) return;
  // The held value must not reach the task (it would never be collected): a flag the record keeps in sync.
  const watch: DroppedTask = { name: task.name, retrieved: false, stack: record.creationStack };
  record.watch = watch;
  droppedTasks.register(task, watch);
}

function reportDroppedWait(info: DroppedWait): void {
  const site = firstUserFrame(info.stack);
  process.emitWarning(
    `${info.label} was never awaited (task ${JSON.stringify(info.taskName)}` +
      `${site === undefined ? '' : `, created at ${site}`}): its promise was dropped`,
    {
      type: 'AsyncioWarning',
      code: 'ASYNCIO_TS_NEVER_AWAITED',
      detail: info.stack === '' ? undefined : `Created at:\n${info.stack}`,
    },
  );
}

function reportDroppedTask(info: DroppedTask): void {
  if (info.retrieved) return;
  const site = info.stack === undefined ? undefined : firstUserFrame(info.stack);
  process.emitWarning(
    `Task ${JSON.stringify(info.name)} was never awaited: its result was never retrieved` +
      `${site === undefined ? '' : ` (created at ${site})`}`,
    {
      type: 'AsyncioWarning',
      code: 'ASYNCIO_TS_NEVER_AWAITED',
      detail: info.stack === undefined ? undefined : `Task created at:\n${info.stack}`,
    },
  );
}
