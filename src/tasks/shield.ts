/**
 * `shield(fn)`: run `fn` where outside cancellation does not reach (trio's shielded CancelScope).
 * @module
 */
import { CancelScope } from '../core/cancel-scope.js';
import { storage } from '../core/context.js';
import { checkFunction } from '../core/validate.js';

/**
 * Runs `fn` in a scope that cancellation from outside does not reach, and waits for it. For async clean-up
 * that must finish even in a cancelled task (`finally { await shield(() => conn.close()) }`). Entering a
 * shield is not a checkpoint; if the caller was cancelled meanwhile, its next checkpoint throws.
 *
 * @example
 * ```ts
 * declare function flushToDisk(): Promise<void>;
 * import { shield, sleep } from 'asyncio-ts';
 * try {
 *   await sleep(10_000);
 * } finally {
 *   await shield(() => flushToDisk()); // runs to the end even though the task is being cancelled
 * }
 * ```
 */
export function shield<T>(fn: () => PromiseLike<T> | T): Promise<T> {
  checkFunction(fn, 'fn', 'shield');
  const parent = storage.getStore();
  const scope = new CancelScope(parent, parent?.task, true);
  return storage.run(scope, callShielded, fn) as Promise<T>;
}

function callShielded<T>(fn: () => PromiseLike<T> | T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err);
  }
}
