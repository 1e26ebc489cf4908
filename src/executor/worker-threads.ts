/**
 * The piscina side of a `ThreadPoolExecutor`: the pool (made with the first job), the worker threads it
 * started (tracked until they have exited, since piscina forgets a thread before it has), and what a failure
 * from piscina means. Everything that knows piscina's shape lives here; the executor sees jobs in, outcomes
 * out, a thread count and a `destroy()` that resolves once every thread has exited.
 * @module
 */

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { WorkerCrashedError } from './errors.js';
import { FLAGS_KEY, type JobMessage, THREAD_IDS_KEY } from './job-message.js';

/** Every worker thread started by an executor of this module and not yet exited. */
const liveWorkers = new Set<Worker>();

/**
 * How many worker threads started by asyncio-ts executors are still alive (started and not yet exited), in
 * the whole process. After `shutdown()` of every executor, and after every `run()` that used the default
 * executor has ended, it is 0: a handy leak check for tests.
 *
 * @example
 * ```ts
 * import { run } from 'asyncio-ts';
 * import { activeWorkerCount, toThread } from 'asyncio-ts/executor';
 * await run(() => toThread((a: number, b: number) => a + b, 1, 2));
 * console.log(activeWorkerCount()); // 0: the run's default executor was shut down with it
 * ```
 */
export function activeWorkerCount(): number {
  return liveWorkers.size;
}

let workerEntryPath: string | undefined;

/**
 * The worker entry script: `worker.js` beside this module when compiled (dist/), or `worker.ts` when this
 * module itself runs from its TypeScript source (tsx: workers inherit `--import tsx` through execArgv).
 */
function workerEntry(): string {
  if (workerEntryPath !== undefined) return workerEntryPath;
  const compiled = fileURLToPath(new URL('./worker.js', import.meta.url));
  const source = fileURLToPath(new URL('./worker.ts', import.meta.url));
  workerEntryPath = !existsSync(compiled) && existsSync(source) ? source : compiled;
  return workerEntryPath;
}

type RunOptions = NonNullable<Parameters<Piscina['run']>[1]>;

function noop(): void {}

/** What the executor tells its threads. @internal */
export interface WorkerThreadsOptions {
  maxWorkers: number;
  idleTimeout: number;
  resourceLimits: ResourceLimits | undefined;
  /** The jobs' state slots, shared with every worker through workerData. */
  flags: SharedArrayBuffer;
  /** Per job slot, the threadId of the worker that took the job; shared the same way. */
  threadIds: SharedArrayBuffer;
  /** A thread failed outside any job while no thread is alive: the jobs handed to the pool cannot start. */
  onThreadlessError(error: unknown): void;
  /**
   * A thread failed (`exitCode` undefined: its 'error', an uncaught error or running out of memory) or exited;
   * called from the thread's own listeners, which run after piscina's and before its rejection of the thread's
   * job is seen.
   */
  onThreadEnd(threadId: number, exitCode: number | undefined): void;
}

/** @internal */
export class WorkerThreads {
  readonly #options: WorkerThreadsOptions;
  /** Created with the first job: an executor never used starts nothing. */
  #pool: Piscina | undefined = undefined;
  /** This executor's threads that have not exited yet. */
  readonly #threads = new Set<Worker>();
  /** Resolves `destroy()` once the last thread has exited. */
  #onAllExited: (() => void) | undefined = undefined;
  #destroyed = false;

  constructor(options: WorkerThreadsOptions) {
    this.#options = options;
  }

  /** Threads started and not yet exited. */
  get size(): number {
    return this.#threads.size;
  }

  /** Hands a job to piscina (starting the pool on first use). */
  run(message: JobMessage, options: RunOptions): Promise<unknown> {
    // After destroy() no pool may start again: its threads would outlive the executor (and destroy() would wait
    // for them forever).
    if (this.#destroyed) return Promise.reject(new Error('Terminating worker thread'));
    const pool = this.#pool ?? this.#createPool();
    return pool.run(message, options);
  }

  /** Registers threads piscina started (rare: once per thread), to wait for their exit at shutdown. */
  track(): void {
    const pool = this.#pool;
    if (pool === undefined) return;
    for (const worker of pool.threads) {
      // threadId is -1 once a thread has stopped: its 'exit' may already be past.
      if (this.#threads.has(worker) || worker.threadId === -1) continue;
      const threadId = worker.threadId;
      this.#threads.add(worker);
      liveWorkers.add(worker);
      worker.on('error', () => this.#options.onThreadEnd(threadId, undefined));
      worker.once('exit', (exitCode: number) => {
        this.#options.onThreadEnd(threadId, exitCode);
        this.#threads.delete(worker);
        liveWorkers.delete(worker);
        if (this.#threads.size === 0) this.#onAllExited?.();
      });
    }
  }

  /** Destroys the pool and resolves once every thread has exited (a failure is a warning, not an error). */
  async destroy(): Promise<void> {
    this.#destroyed = true;
    // Threads still starting have not announced themselves ('workerCreate' comes when they are ready).
    this.track();
    const pool = this.#pool;
    this.#pool = undefined;
    // piscina rejects the jobs it still holds and terminates its threads. We wait for the threads ourselves rather
    // than for piscina's promise: a thread that answered a job piscina had already dropped during the destroy is
    // one piscina's bookkeeping may lose, so every thread still running is terminated here too.
    pool?.destroy().then(undefined, (err: unknown) => {
      process.emitWarning(`Destroying a ThreadPoolExecutor's threads failed: ${String(err)}`, {
        type: 'AsyncioWarning',
      });
    });
    for (const worker of this.#threads) worker.terminate().then(noop, noop);
    if (this.#threads.size === 0) return;
    await new Promise<void>((resolve) => {
      this.#onAllExited = resolve;
    });
  }

  #createPool(): Piscina {
    const options = this.#options;
    const pool = new Piscina({
      filename: workerEntry(),
      minThreads: 0,
      maxThreads: options.maxWorkers,
      idleTimeout: options.idleTimeout,
      concurrentTasksPerWorker: 1,
      resourceLimits: options.resourceLimits,
      workerData: { [FLAGS_KEY]: options.flags, [THREAD_IDS_KEY]: options.threadIds },
      recordTiming: false,
    });
    // Without a listener, an error of a worker that runs no job (e.g. thrown by a timer a finished job left
    // behind) would be thrown by the EventEmitter and crash the process.
    pool.on('error', (err: unknown) => {
      // A thread failed while it ran no job: it could not start (its entry script failed to load), or a job
      // that ended left something behind that threw. With no thread ready to serve them, the jobs handed
      // to the pool would wait forever: they fail instead.
      if (this.#threads.size === 0) options.onThreadlessError(err);
      process.emitWarning(`A worker thread of a ThreadPoolExecutor failed outside any job: ${String(err)}`, {
        type: 'AsyncioWarning',
        code: 'ASYNCIO_TS_WORKER_ERROR',
        detail: err instanceof Error ? err.stack : undefined,
      });
    });
    pool.on('workerCreate', () => this.track());
    this.#pool = pool;
    return pool;
  }
}

/**
 * The error for a job whose worker died under it, saying how. `exitCode` is the thread's exit code if it
 * exited under the job without an error of its own (`process.exit()`), as its 'exit' listener saw it;
 * otherwise `failure`, what the thread failed with, tells (an uncaught error, or running out of memory).
 * @internal
 */
export function crashError(
  jobName: string,
  failure: unknown,
  exitCode: number | undefined,
): WorkerCrashedError {
  const what = `The worker thread running thread job ${JSON.stringify(jobName)}`;
  if (exitCode !== undefined) {
    return new WorkerCrashedError(`${what} exited (code ${exitCode}) before the job finished`, {
      cause: failure,
      exitCode,
    });
  }
  const error = failure as { message?: unknown; code?: unknown } | undefined;
  const message = typeof error?.message === 'string' ? error.message : String(failure);
  if (error?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new WorkerCrashedError(
      `${what} ran out of memory (see the executor's resourceLimits): ${message}`,
      {
        cause: failure,
      },
    );
  }
  const name = failure instanceof Error ? failure.name : typeof failure;
  return new WorkerCrashedError(`${what} crashed with an uncaught ${name}: ${message}`, { cause: failure });
}
