/**
 * `toThread` (asyncio.to_thread) and `runInExecutor` (loop.run_in_executor): one job, awaited in the calling
 * task, on the default executor of the current `run()` or on a given one.
 * @module
 */
import { describe } from '../core/validate.js';
import { defaultExecutor } from './default-executor.js';
import { ThreadPoolExecutor } from './thread-pool-executor.js';
import { type JobFunction, jobSpecOf } from './worker-function.js';

/**
 * Runs `fn(...args)` in a worker thread of the run's default executor and resolves with its result, while
 * the event loop goes on (`asyncio.to_thread`). `fn` is a {@link workerFunction} reference or a
 * self-contained function (sent by its source: no closures). A checkpoint: cancelling the awaiting task
 * cancels the job (a queued job never runs; a running one is told through `cancelled()`/`jobSignal()` and
 * terminated after the executor's `cancelGraceMs`). For a `{ signal }`, use `ThreadPoolExecutor.runJob`.
 *
 * @example
 * ```ts
 * import { run } from 'asyncio-ts';
 * import { toThread } from 'asyncio-ts/executor';
 * const blockingIo = (n: number) => {
 *   Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000); // blocks its thread for 1 s
 *   return n * n;
 * };
 * await run(async () => console.log(await toThread(blockingIo, 3))); // 9, and the loop was free meanwhile
 * ```
 */
export function toThread<A extends unknown[], R>(fn: JobFunction<A, R>, ...args: A): Promise<Awaited<R>> {
  const spec = jobSpecOf(fn, 'toThread');
  return defaultExecutor().call(spec, args, undefined, 'toThread');
}

/**
 * Runs `fn(...args)` on `executor`, or on the run's default executor when it is `null`
 * (`loop.run_in_executor`). Otherwise the same as {@link toThread}.
 *
 * @example
 * ```ts
 * import { gather, run } from 'asyncio-ts';
 * import { runInExecutor } from 'asyncio-ts/executor';
 * const blockingIo = (n: number) => {
 *   Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000); // time.sleep(1)
 *   return n * n;
 * };
 * await run(async () => {
 *   const results = await gather(runInExecutor(null, blockingIo, 3), runInExecutor(null, blockingIo, 4));
 *   console.log(results); // [ 9, 16 ] after about 1 s
 * });
 * ```
 */
export function runInExecutor<A extends unknown[], R>(
  executor: ThreadPoolExecutor | null,
  fn: JobFunction<A, R>,
  ...args: A
): Promise<Awaited<R>> {
  if (executor !== null && !(executor instanceof ThreadPoolExecutor)) {
    throw new TypeError(
      `runInExecutor: executor must be a ThreadPoolExecutor or null, received ${describe(executor)}`,
    );
  }
  const spec = jobSpecOf(fn, 'runInExecutor');
  return (executor ?? defaultExecutor()).call(spec, args, undefined, 'runInExecutor');
}
