/**
 * The options and the statistics of a `ThreadPoolExecutor`, and the checks of its durations: the public
 * vocabulary of `asyncio-ts/executor`, apart from the class that implements it.
 * @module
 */
import type { ResourceLimits } from 'node:worker_threads';
import type { SignalOptions } from '../core/signal-options.js';
import { describe } from '../core/validate.js';

/** Options of {@link ThreadPoolExecutor}. */
export interface ThreadPoolExecutorOptions {
  /** How many worker threads at most (an integer ≥ 1). Default `os.availableParallelism()`. */
  maxWorkers?: number;
  /**
   * A worker idle this long is ended (milliseconds ≥ 0). Default `Infinity`: workers are kept until
   * `shutdown()`, as asyncio's threads are. Idle workers never keep the process alive either way.
   */
  idleTimeout?: number;
  /** Memory limits of each worker (`worker_threads` `resourceLimits`); a job that exceeds them fails. */
  resourceLimits?: ResourceLimits;
  /**
   * How long a running job may take to stop by itself once cancelled (milliseconds ≥ 0) before its worker
   * is terminated and replaced. Default 100; `Infinity` never terminates (purely cooperative).
   */
  cancelGraceMs?: number;
}

/**
 * Options of {@link ThreadPoolExecutor.runJob}: the one `SignalOptions` of every waiting call (a `signal` cancels
 * the job as a cancellation of the awaiting task would).
 * @deprecated Use `SignalOptions` from `asyncio-ts`; this alias goes in the next release.
 */
export type ExecutorRunOptions = SignalOptions;

/** Options of {@link ThreadPoolExecutor.map}. */
export interface ExecutorMapOptions {
  /** Jobs submitted ahead of the consumer, at most (an integer ≥ 1). Default `2 × maxWorkers`. */
  concurrency?: number;
}

/** Options of {@link ThreadPoolExecutor.shutdown}. */
export interface ShutdownOptions {
  /** Wait until every job has finished and every thread has exited. Default true. */
  wait?: boolean;
  /** Cancel the jobs still queued (not yet running). Default false: they run first. */
  cancelFutures?: boolean;
}

/** A snapshot of an executor's state, from {@link ThreadPoolExecutor.statistics}. */
export interface ExecutorStatistics {
  state: 'open' | 'shutting-down' | 'shut-down';
  maxWorkers: number;
  /** Jobs handed to the threads (at most one per thread) and not finished. */
  running: number;
  /** Jobs waiting in the executor's queue. */
  queued: number;
  /** Worker threads started and not yet exited. */
  threads: number;
  /** Jobs finished (any outcome) since the executor was made. */
  completed: number;
}

/** @internal */
export const DEFAULT_CANCEL_GRACE_MS = 100;

/** @internal */
export function checkDuration(value: unknown, name: string): void {
  if (typeof value !== 'number') {
    throw new TypeError(
      `ThreadPoolExecutor: ${name} must be a number of milliseconds, received ${describe(value)}`,
    );
  }
  if (Number.isNaN(value) || value < 0) {
    throw new RangeError(`ThreadPoolExecutor: ${name} must be >= 0 (or Infinity), received ${value}`);
  }
}
