/**
 * `asyncio-ts/executor`: offloading blocking and CPU-bound work to worker threads, on piscina, with the
 * cancellation model of the rest of asyncio-ts. Importing `asyncio-ts` alone never loads this module (nor
 * piscina), and nothing here starts a thread before the first job.
 * @module
 */
export { WorkerCrashedError } from './errors.js';
export type {
  ExecutorMapOptions,
  ExecutorRunOptions,
  ExecutorStatistics,
  ShutdownOptions,
  ThreadPoolExecutorOptions,
} from './executor-options.js';
export { cancelled, jobSignal } from './job-context.js';
export { type MovableValue, move } from './move.js';
export { ThreadPoolExecutor } from './thread-pool-executor.js';
export { runInExecutor, toThread } from './to-thread.js';
export { type JobFunction, type WorkerFunction, workerFunction } from './worker-function.js';
export { activeWorkerCount } from './worker-threads.js';
