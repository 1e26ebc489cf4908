/**
 * The executor's own error: a worker thread died under a job (`process.exit()`, an uncaught error, out of
 * memory under `resourceLimits`). Errors the job itself throws are rethrown as they were, not wrapped.
 * @module
 */
import { AsyncioError, registerErrorClass } from '../core/errors.js';

/**
 * The worker thread running a job died before the job finished: the job called `process.exit()`, an error
 * escaped it (thrown from a timer callback, for example), or it ran out of memory under the executor's
 * `resourceLimits`. The original failure is the `cause`; `exitCode` is set when the thread exited with one.
 * The pool replaces the thread, so later jobs are served as usual.
 *
 * @example
 * ```ts
 * import { toThread, WorkerCrashedError } from 'asyncio-ts/executor';
 * try {
 *   await toThread(() => process.exit(3));
 * } catch (err) {
 *   if (err instanceof WorkerCrashedError) console.log(err.code, err.exitCode); // ERR_WORKER_CRASHED 3
 * }
 * ```
 */
export class WorkerCrashedError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.WorkerCrashedError');
  /** The thread's exit code when it exited (`process.exit(n)`), otherwise undefined. */
  readonly exitCode: number | undefined;

  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, 'ERR_WORKER_CRASHED', options);
    this.exitCode = options?.exitCode;
  }
}
registerErrorClass(WorkerCrashedError, 'WorkerCrashedError');
