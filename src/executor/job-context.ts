/**
 * Inside a job: `cancelled()` and `jobSignal()` read the job's slot, one `Int32` of a `SharedArrayBuffer` that
 * the executor shares with every worker. The main thread marks the slot cancelled when the task awaiting the
 * job is cancelled; the job sees it at once, without any message, even in a loop that never yields. The state lives on `globalThis` under a `Symbol.for` key, so that every copy of this module loaded
 * in a worker (the worker entry and the user's module may load it through different loaders) agrees.
 * @module
 */
import { storage } from '../core/context.js';
import { CancelledError } from '../core/errors.js';
import { SLOT_CANCELLED, SLOT_RUNNING, waitAsync } from './job-message.js';

/** The job running on this thread. @internal */
export interface JobState {
  readonly flags: Int32Array;
  readonly slot: number;
  /** Made by the first `jobSignal()` call of the job. */
  controller: AbortController | undefined;
  ended: boolean;
}

interface JobHolder {
  current: JobState | undefined;
}

const HOLDER_KEY = Symbol.for('asyncio-ts.executor.currentJob');
const holder: JobHolder = ((globalThis as Record<symbol, JobHolder | undefined>)[HOLDER_KEY] ??= {
  current: undefined,
});

let neverAborted: AbortSignal | undefined;

/**
 * True once the job running on this thread was cancelled: the task awaiting it was cancelled (or timed out).
 * Check it in a long loop and stop at a clean point; if the job has not finished within the executor's
 * `cancelGraceMs`, its worker is terminated. Outside a job (on the main thread) it tells whether the
 * current task's scope is cancelled, so the same function also works when it is called directly.
 *
 * @example
 * ```ts
 * // A fragment of a worker module: isPrime stands for the real work.
 * declare function isPrime(n: number): boolean;
 * // jobs.ts, run with toThread(workerFunction(new URL('./jobs.js', import.meta.url), 'countPrimes'), 1e8)
 * import { cancelled } from 'asyncio-ts/executor';
 * export function countPrimes(limit: number): number {
 *   let count = 0;
 *   for (let n = 2; n < limit; n++) {
 *     if (n % 100_000 === 0 && cancelled()) throw new Error('stopped early');
 *     if (isPrime(n)) count++;
 *   }
 *   return count;
 * }
 * ```
 */
export function cancelled(): boolean {
  const job = holder.current;
  if (job !== undefined) return Atomics.load(job.flags, job.slot) === SLOT_CANCELLED;
  return storage.getStore()?.cancelReason !== undefined;
}

/**
 * An `AbortSignal` that aborts (reason: a `CancelledError`) when the job running on this thread is cancelled;
 * pass it to APIs that accept one (`fetch`, streams, `setTimeout` from `timers/promises`). Outside a job it is
 * the current task's `currentSignal()` (or a signal that never aborts outside every task).
 *
 * @example
 * ```ts
 * import { jobSignal } from 'asyncio-ts/executor';
 * import { setTimeout as delay } from 'node:timers/promises';
 * export async function slowStep(): Promise<string> {
 *   await delay(5000, undefined, { signal: jobSignal() }); // rejects as soon as the job is cancelled
 *   return 'done';
 * }
 * ```
 */
export function jobSignal(): AbortSignal {
  const job = holder.current;
  if (job === undefined) {
    const scope = storage.getStore();
    if (scope !== undefined) return scope.signal;
    neverAborted ??= new AbortController().signal;
    return neverAborted;
  }
  let controller = job.controller;
  if (controller === undefined) {
    controller = job.controller = new AbortController();
    watch(job, controller);
  }
  return controller.signal;
}

/** Waits (without blocking the thread) for the job's slot to leave RUNNING, then aborts `controller`. */
function watch(job: JobState, controller: AbortController): void {
  const result = waitAsync(job.flags, job.slot, SLOT_RUNNING);
  if (!result.async) {
    if (!job.ended && Atomics.load(job.flags, job.slot) === SLOT_CANCELLED)
      controller.abort(cancelledReason());
    return;
  }
  result.value.then(() => {
    if (job.ended) return;
    // Another job's end may wake this slot's waiters: only a cancelled slot counts.
    if (Atomics.load(job.flags, job.slot) === SLOT_CANCELLED) controller.abort(cancelledReason());
    else watch(job, controller);
  });
}

function cancelledReason(): CancelledError {
  return new CancelledError('The thread job was cancelled');
}

/** Called by the worker entry around each job. @internal */
export function enterJob(flags: Int32Array, slot: number): JobState {
  const job: JobState = { flags, slot, controller: undefined, ended: false };
  holder.current = job;
  return job;
}

/** @internal */
export function leaveJob(job: JobState): void {
  job.ended = true;
  if (holder.current === job) holder.current = undefined;
  // Settles this job's pending waitAsync, if any, so that nothing waits on a slot that is no longer ours.
  if (job.controller !== undefined) Atomics.notify(job.flags, job.slot);
}
