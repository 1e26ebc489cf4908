/**
 * The implicit task context: one AsyncLocalStorage whose store is the innermost cancel scope of the code
 * running now. A task's root scope is the task itself; `timeout()`, `shield()` and task groups push nested
 * scopes, each in its own context frame (a mutable "current scope" field per task is wrong as soon as one
 * task runs two branches concurrently, e.g. `Promise.all([a(), b()])` that each use `timeout()`).
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CancelScope } from './cancel-scope.js';

/** @internal */
export const storage: AsyncLocalStorage<CancelScope> = new AsyncLocalStorage<CancelScope>();

/** The innermost cancel scope of the running code, or `undefined` outside every task. @internal */
export function currentScope(): CancelScope | undefined {
  return storage.getStore();
}
