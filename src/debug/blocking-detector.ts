/**
 * Debug mode's blocked-loop detector (asyncio's "Executing <Task …> took 0.301 seconds"). It measures each
 * synchronous slice of JavaScript that the event loop runs: every callback and promise reaction, which
 * `async_hooks` brackets with `before`/`after`, split further at each task start (one microtask starts a
 * batch of tasks). A slice longer than the run's `slowCallbackMs` is reported with the task it belonged to
 * and where that task was created.
 *
 * The hook exists only while a debug-mode run is active: enabling `async_hooks` slows every promise of the
 * process, which is the price of debug mode (as in asyncio, whose debug mode is slow too).
 * @module
 */
import { type AsyncHook, createHook } from 'node:async_hooks';
import { storage } from '../core/context.js';
import type { Task } from '../core/task.js';
import type { TaskRecord } from './records.js';

/** Per-run threshold lookup, supplied by the session module. */
export type ThresholdOf = (task: Task<unknown>) => number | undefined;

let hook: AsyncHook | undefined;
let users = 0;
let thresholdOf: ThresholdOf = () => undefined;
/** The smallest threshold of the active debug runs: shorter slices are not even looked at. */
let minThreshold = Number.POSITIVE_INFINITY;

/** Start of the current slice (`performance.now()`), or -1 outside any. */
let sliceStart = -1;
/** The task the current slice runs, when known from a task start; else read from the context at its end. */
let sliceTask: Task<unknown> | undefined;
/** Enclosing slices (a callback run inside another: rare, e.g. `runInAsyncScope`). */
const outer: Array<number | Task<unknown> | undefined> = [];

/** Starts measuring (reference counted: one per active debug run). @internal */
export function acquireBlockingDetector(threshold: number, lookup: ThresholdOf): void {
  thresholdOf = lookup;
  if (threshold < minThreshold) minThreshold = threshold;
  if (users++ === 0) {
    hook = createHook({ before: beforeCallback, after: afterCallback });
    hook.enable();
  }
}

/** Stops measuring when the last debug run ends. @internal */
export function releaseBlockingDetector(): void {
  if (--users > 0) return;
  hook?.disable();
  hook = undefined;
  minThreshold = Number.POSITIVE_INFINITY;
  sliceStart = -1;
  sliceTask = undefined;
  outer.length = 0;
}

/** A task's body starts: the slice so far belonged to the previous task of the batch. @internal */
export function onTaskStart(task: Task<unknown>): void {
  if (sliceStart < 0) return;
  const now = performance.now();
  endSlice(now);
  sliceStart = now;
  sliceTask = task;
}

/**
 * Debug mode's own work that started at `since` (capturing and formatting a creation stack, which under a
 * source-map loader can take tens of milliseconds the first time) is not the task's: leave it out of the
 * current slice. @internal
 */
export function discount(since: number): void {
  if (sliceStart >= 0) sliceStart += performance.now() - since;
}

function beforeCallback(): void {
  if (sliceStart >= 0) outer.push(sliceStart, sliceTask);
  sliceStart = performance.now();
  sliceTask = undefined;
}

function afterCallback(): void {
  if (sliceStart < 0) return;
  const now = performance.now();
  endSlice(now);
  if (outer.length > 0) {
    sliceTask = outer.pop() as Task<unknown> | undefined;
    outer.pop();
    sliceStart = now; // the enclosing slice goes on; the inner one was already judged
  } else {
    sliceStart = -1;
    sliceTask = undefined;
  }
}

function endSlice(now: number): void {
  const took = now - sliceStart;
  if (took < minThreshold) return;
  const task = sliceTask ?? storage.getStore()?.task;
  if (task === undefined) return;
  const threshold = thresholdOf(task);
  if (threshold === undefined || took < threshold) return;
  report(task, took, threshold);
}

function report(task: Task<unknown>, took: number, threshold: number): void {
  const record = task.debugInfo as TaskRecord | undefined;
  const site = record?.frame;
  const where = site === undefined ? '' : ` created at ${site}`;
  process.emitWarning(
    `Executing <Task ${JSON.stringify(task.name)}${where}> took ${Math.round(took)} ms ` +
      `(slowCallbackMs: ${threshold}): it blocked the event loop`,
    {
      type: 'AsyncioWarning',
      code: 'ASYNCIO_TS_SLOW_CALLBACK',
      detail: record?.creationStack === undefined ? undefined : `Task created at:\n${record.creationStack}`,
    },
  );
}
