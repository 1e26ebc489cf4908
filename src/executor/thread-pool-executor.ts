/**
 * `ThreadPoolExecutor`: asyncio's (and `concurrent.futures`') executor on piscina's worker threads, on the one
 * cancellation model.
 *
 * The executor keeps one FIFO of jobs (job-queue.ts) and hands piscina the oldest, one per thread: a job
 * that waits for a thread stays an entry in that list (cancelling it unlinks it: it never reaches a worker),
 * and piscina never holds a job it cannot start at once, so a thread that dies strands nothing. Each job
 * handed to piscina owns one slot of a `SharedArrayBuffer` shared with every worker once through
 * `workerData`: its state (not started, running, cancelled), which both threads change with compareExchange,
 * so that a cancellation and the start of the job cannot both win. Idle workers hold no reference on the
 * event loop (piscina unrefs them), so an executor never keeps the process alive by itself; `shutdown()`
 * ends its threads.
 * @module
 */

import { availableParallelism } from 'node:os';
import { inspect } from 'node:util';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { CancelledError, InvalidStateError } from '../core/errors.js';
import type { SignalOptions } from '../core/signal-options.js';
import { createTask, type Task } from '../core/task.js';
import { checkInteger, checkOptions, checkSignal, describe } from '../core/validate.js';
import { Waiter } from '../core/waiter.js';
import { JobDispatcher } from './dispatcher.js';
import {
  checkDuration,
  DEFAULT_CANCEL_GRACE_MS,
  type ExecutorMapOptions,
  type ExecutorStatistics,
  type ShutdownOptions,
  type ThreadPoolExecutorOptions,
} from './executor-options.js';
import { Job } from './job.js';
import { ExecutorLifecycle } from './lifecycle.js';
import { takeTransfers } from './move.js';
import { type JobFunction, type JobSpec, jobSpecOf } from './worker-function.js';

function noop(): void {}

/**
 * A pool of worker threads that runs functions off the event loop: `concurrent.futures.ThreadPoolExecutor`
 * for Node, on piscina. Jobs wait in FIFO order for one of `maxWorkers` threads. Cancelling the task that
 * awaits a job removes it from the queue if it has not started; a running job is told (`cancelled()`,
 * `jobSignal()` in the worker) and, if it has not finished `cancelGraceMs` later, its thread is terminated
 * and replaced. Arguments and results are structured-cloned (`move()` transfers a buffer instead).
 *
 * @example
 * ```ts
 * import { ThreadPoolExecutor } from 'asyncio-ts/executor';
 * await using executor = new ThreadPoolExecutor({ maxWorkers: 4 });
 * const square = (n: number) => n * n; // self-contained: sent by source
 * console.log(await executor.runJob(square, [7])); // 49
 * for await (const sq of executor.map(square, [1, 2, 3])) console.log(sq); // 1, 4, 9
 * ```
 */
export class ThreadPoolExecutor {
  /** The most worker threads this executor runs at once. */
  readonly maxWorkers: number;
  /** See {@link ThreadPoolExecutorOptions.cancelGraceMs}. */
  readonly cancelGraceMs: number;
  /** The one queue of jobs, and piscina. */
  readonly #jobs: JobDispatcher;
  /** open → shutting-down → closing → shut-down; its `closed` resolves when jobs, pool and threads are gone. */
  readonly #lifecycle = new ExecutorLifecycle();

  constructor(options?: ThreadPoolExecutorOptions) {
    checkOptions(options, 'ThreadPoolExecutor');
    // `=== undefined`, not `??`: null is refused (TypeError) like any other value that is not a number.
    const maxWorkers = options?.maxWorkers === undefined ? availableParallelism() : options.maxWorkers;
    checkInteger(maxWorkers, 'options.maxWorkers', 'ThreadPoolExecutor', 1);
    const idleTimeout = options?.idleTimeout === undefined ? Number.POSITIVE_INFINITY : options.idleTimeout;
    checkDuration(idleTimeout, 'options.idleTimeout');
    const cancelGraceMs =
      options?.cancelGraceMs === undefined ? DEFAULT_CANCEL_GRACE_MS : options.cancelGraceMs;
    checkDuration(cancelGraceMs, 'options.cancelGraceMs');
    const resourceLimits = options?.resourceLimits;
    if (resourceLimits !== undefined && (typeof resourceLimits !== 'object' || resourceLimits === null)) {
      throw new TypeError(
        `ThreadPoolExecutor: options.resourceLimits must be an object, received ${describe(resourceLimits)}`,
      );
    }
    this.maxWorkers = maxWorkers;
    this.cancelGraceMs = cancelGraceMs;
    this.#jobs = new JobDispatcher({
      maxWorkers,
      idleTimeout,
      resourceLimits,
      cancelGraceMs,
      onSettled: () => {
        if (this.#lifecycle.state === 'shutting-down') this.#closeIfIdle();
      },
    });
  }

  /**
   * Runs `fn(...args)` in a worker thread and resolves with its result. A checkpoint: rejects at once in a
   * cancelled scope; cancelling the awaiting task (or aborting `options.signal`) cancels the job.
   * Throws `InvalidStateError` once the executor is shut down. ({@link ThreadPoolExecutor.submit} takes the
   * arguments spread and returns a task instead.)
   *
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from 'asyncio-ts/executor';
   * const executor = new ThreadPoolExecutor();
   * const hash = await executor.runJob(
   *   async (text: string) => {
   *     const { createHash } = await import('node:crypto'); // imports go inside the function
   *     return createHash('sha256').update(text).digest('hex');
   *   },
   *   ['hello'],
   *   { signal: AbortSignal.timeout(5000) },
   * );
   * await executor.shutdown();
   * ```
   */
  runJob<A extends unknown[], R>(
    fn: JobFunction<A, R>,
    args: A,
    options?: SignalOptions,
  ): Promise<Awaited<R>> {
    return this.#runJob(fn, args, options, 'ThreadPoolExecutor.runJob');
  }

  /**
   * The former name of {@link ThreadPoolExecutor.runJob}, which it calls.
   * @deprecated Use `runJob(fn, args, options)`: `run` shadowed the top-level `run()`. This alias goes in the
   * next release.
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from 'asyncio-ts/executor';
   * await using executor = new ThreadPoolExecutor();
   * console.log(await executor.runJob((n: number) => n + 1, [1])); // 2 (was executor.run)
   * ```
   */
  run<A extends unknown[], R>(fn: JobFunction<A, R>, args: A, options?: SignalOptions): Promise<Awaited<R>> {
    return this.#runJob(fn, args, options, 'ThreadPoolExecutor.run');
  }

  #runJob<A extends unknown[], R>(
    fn: JobFunction<A, R>,
    args: A,
    options: SignalOptions | undefined,
    where: string,
  ): Promise<Awaited<R>> {
    const spec = jobSpecOf(fn, where);
    if (!Array.isArray(args)) {
      throw new TypeError(`${where}: args must be an array, received ${describe(args)}`);
    }
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      checkOptions(options, where);
      signal = options.signal;
      checkSignal(signal, where);
    }
    return this.call(spec, args.slice(), signal, where);
  }

  /** The shared path of `runJob`, `toThread` and `runInExecutor`: `args` is owned by the job. @internal */
  call<R>(spec: JobSpec, args: unknown[], signal: AbortSignal | undefined, where: string): Promise<R> {
    this.#checkOpen(where);
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    const job = new Job<R>(this.#jobs, spec, args, takeTransfers(args));
    job.park(scope, signal);
    this.#jobs.enqueue(job as Job<unknown>);
    return job.promise;
  }

  /**
   * Schedules `fn(...args)` and returns its {@link Task} at once (`concurrent.futures`' `submit`): await it
   * for the result, `cancel()` it to cancel the job. The job is queued immediately, in submission order.
   * Throws `InvalidStateError` once the executor is shut down.
   *
   * @example
   * ```ts
   * import { run } from 'asyncio-ts';
   * import { ThreadPoolExecutor } from 'asyncio-ts/executor';
   * await run(async () => {
   *   await using executor = new ThreadPoolExecutor({ maxWorkers: 2 });
   *   const tasks = [1, 2, 3].map((n) => executor.submit((x: number) => x * 10, n));
   *   console.log(await Promise.all(tasks)); // [10, 20, 30]
   * });
   * ```
   */
  submit<A extends unknown[], R>(fn: JobFunction<A, R>, ...args: A): Task<Awaited<R>> {
    const spec = jobSpecOf(fn, 'ThreadPoolExecutor.submit');
    this.#checkOpen('ThreadPoolExecutor.submit');
    const job = new Job<Awaited<R>>(this.#jobs, spec, args, takeTransfers(args));
    // The task observes the outcome; a job cancelled with a task that never started is not unhandled.
    job.promise.then(undefined, noop);
    this.#jobs.enqueue(job as Job<unknown>);
    const task = createTask(() => job.join(), { name: `thread job ${spec.name}` });
    job.watchOwner(task as Task<unknown>);
    return task;
  }

  /**
   * Runs `fn(item)` for each item in worker threads and yields the results in input order (`Executor.map`),
   * with at most `options.concurrency` jobs submitted ahead of the consumer: items are pulled lazily, so an
   * endless source is fine. The first failure is thrown where its result would have been yielded; leaving
   * the loop early (break, error, cancellation) cancels the jobs still pending and waits for them to stop.
   *
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from 'asyncio-ts/executor';
   * await using executor = new ThreadPoolExecutor();
   * for await (const length of executor.map((s: string) => s.length, ['a', 'bb', 'ccc'], { concurrency: 2 })) {
   *   console.log(length); // 1, 2, 3
   * }
   * ```
   */
  map<T, R>(
    fn: JobFunction<[T], R>,
    items: Iterable<T> | AsyncIterable<T>,
    options?: ExecutorMapOptions,
  ): AsyncGenerator<Awaited<R>, void, undefined> {
    const spec = jobSpecOf(fn, 'ThreadPoolExecutor.map');
    checkOptions(options, 'ThreadPoolExecutor.map');
    const concurrency = options?.concurrency === undefined ? 2 * this.maxWorkers : options.concurrency;
    checkInteger(concurrency, 'options.concurrency', 'ThreadPoolExecutor.map', 1);
    const isIterable =
      items !== null &&
      typeof items === 'object' &&
      (typeof (items as Iterable<T>)[Symbol.iterator] === 'function' ||
        typeof (items as AsyncIterable<T>)[Symbol.asyncIterator] === 'function');
    if (!isIterable) {
      throw new TypeError(
        `ThreadPoolExecutor.map: items must be an iterable or async iterable, received ${describe(items)}`,
      );
    }
    this.#checkOpen('ThreadPoolExecutor.map');
    return this.#mapJobs<T, Awaited<R>>(spec, items, concurrency);
  }

  async *#mapJobs<T, R>(
    spec: JobSpec,
    items: Iterable<T> | AsyncIterable<T>,
    concurrency: number,
  ): AsyncGenerator<R, void, undefined> {
    const pending: Job<R>[] = [];
    let head = 0;
    const submit = (item: T): void => {
      this.#checkOpen('ThreadPoolExecutor.map');
      const scope = storage.getStore();
      const cancelled = cancelledReason(scope);
      if (cancelled !== undefined) throw cancelled;
      const args: unknown[] = [item];
      const job = new Job<R>(this.#jobs, spec, args, takeTransfers(args));
      // Jobs wait in `pending` unobserved until their turn: their rejection is read then, never unhandled.
      job.promise.then(undefined, noop);
      job.park(scope, undefined);
      this.#jobs.enqueue(job as Job<unknown>);
      pending.push(job);
    };
    try {
      for await (const item of items) {
        if (pending.length - head >= concurrency) {
          const job = pending[head]!;
          pending[head++] = undefined as unknown as Job<R>;
          yield await job.promise;
        }
        submit(item);
      }
      while (head < pending.length) {
        const job = pending[head]!;
        pending[head++] = undefined as unknown as Job<R>;
        yield await job.promise;
      }
    } finally {
      if (head < pending.length) {
        const reason = new CancelledError('ThreadPoolExecutor.map was closed before this job was consumed');
        const rest = pending.slice(head);
        for (const job of rest) job.cancel(reason);
        // Not a checkpoint: the jobs stop within the grace period, and nothing may outlive the loop.
        await Promise.allSettled(rest.map((job) => job.promise));
      }
    }
  }

  /**
   * Stops accepting jobs (`submit`, `runJob`… then throw `InvalidStateError`) and ends the threads once the
   * jobs already accepted are done. `cancelFutures: true` cancels the queued jobs first (running ones
   * finish). With `wait: true` (the default) it resolves when every job is done and every thread has exited,
   * and it is a checkpoint (the shutdown goes on if the waiting task is cancelled); with `wait: false` it
   * resolves at once and the threads end in the background.
   *
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from 'asyncio-ts/executor';
   * const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
   * const first = executor.submit((ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms), 100);
   * const second = executor.submit(() => 'never runs');
   * await executor.shutdown({ cancelFutures: true }); // `first` finishes, `second` is cancelled
   * ```
   */
  shutdown(options?: ShutdownOptions): Promise<void> {
    checkOptions(options, 'ThreadPoolExecutor.shutdown');
    const wait = options?.wait === undefined ? true : options.wait;
    const cancelFutures = options?.cancelFutures === undefined ? false : options.cancelFutures;
    if (typeof wait !== 'boolean') {
      throw new TypeError(
        `ThreadPoolExecutor.shutdown: options.wait must be a boolean, received ${describe(wait)}`,
      );
    }
    if (typeof cancelFutures !== 'boolean') {
      throw new TypeError(
        `ThreadPoolExecutor.shutdown: options.cancelFutures must be a boolean, received ${describe(cancelFutures)}`,
      );
    }
    const closed = this.#beginShutdown(cancelFutures);
    if (!wait) return Promise.resolve();
    const scope = storage.getStore();
    if (scope === undefined) return closed;
    if (scope.cancelReason !== undefined) return Promise.reject(scope.cancelReason);
    if (this.#lifecycle.state === 'shut-down') return Promise.resolve();
    const waiter = new Waiter<void>('ThreadPoolExecutor.shutdown');
    waiter.park(scope, undefined);
    closed.then(() => waiter.resolve());
    return waiter.promise;
  }

  /**
   * `await using executor = new ThreadPoolExecutor()`: shuts down at the end of the block and waits for the
   * jobs and threads to end (`shutdown({ wait: true })`), even in a cancelled task: clean-up is not cut short.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#beginShutdown(false);
  }

  /** A snapshot of the executor's state (for monitoring and tests). */
  statistics(): ExecutorStatistics {
    return {
      state: this.#lifecycle.publicState,
      maxWorkers: this.maxWorkers,
      running: this.#jobs.running,
      queued: this.#jobs.jobs.queued,
      threads: this.#jobs.threads.size,
      completed: this.#jobs.completed,
    };
  }

  /** @internal */
  [inspect.custom](): string {
    const s = this.statistics();
    return `<ThreadPoolExecutor state=${JSON.stringify(s.state)} maxWorkers=${s.maxWorkers} running=${s.running} queued=${s.queued} threads=${s.threads}>`;
  }

  get [Symbol.toStringTag](): string {
    return 'ThreadPoolExecutor';
  }

  // ---- scheduling ----

  #checkOpen(where: string): void {
    if (this.#lifecycle.state !== 'open') {
      throw new InvalidStateError(
        `${where}: the executor is ${this.#lifecycle.publicState === 'shut-down' ? 'shut down' : 'shutting down'}; it accepts no new jobs`,
      );
    }
  }

  // ---- shutdown ----

  #beginShutdown(cancelFutures: boolean): Promise<void> {
    const lifecycle = this.#lifecycle;
    if (lifecycle.state === 'open') lifecycle.to('shutting-down');
    if (cancelFutures) {
      const reason = new CancelledError('The ThreadPoolExecutor was shut down before this job started');
      this.#jobs.cancelNotStarted(reason);
    }
    if (lifecycle.state === 'shutting-down') this.#closeIfIdle();
    return lifecycle.closed;
  }

  /**
   * Closes once no job can still run: nothing is queued and every job piscina holds was abandoned (cancelled
   * before it started: destroying the pool settles it without running anything).
   */
  #closeIfIdle(): void {
    if (this.#jobs.idle) this.#close();
  }

  #close(): void {
    this.#lifecycle.to('closing');
    this.#jobs.threads.destroy().then(() => this.#lifecycle.to('shut-down'));
  }
}
