/**
 * `Awaitable<T>`: what the combinators accept. A function is started as a task that the combinator owns.
 * @module
 */
import { currentRun, spawn, Task } from '../core/task.js';
import { describe } from '../core/validate.js';

/** A `Task<T>`, any `PromiseLike<T>`, or a function that the combinator starts as a task. */
export type Awaitable<T> = Task<T> | PromiseLike<T> | (() => PromiseLike<T> | T);

/** The value an {@link Awaitable} produces. */
export type AwaitedOf<A> =
  A extends Task<infer R>
    ? R
    : A extends PromiseLike<infer R>
      ? R
      : A extends () => PromiseLike<infer R>
        ? R
        : A extends () => infer R
          ? R
          : never;

/** Starts a function as a task of the current run; returns tasks and promises as they are. @internal */
export function toTaskOrPromise(
  value: unknown,
  where: string,
  index: number,
): Task<unknown> | PromiseLike<unknown> {
  if (value instanceof Task) return value;
  if (typeof value === 'function') return spawn(value as () => unknown, undefined, currentRun(), undefined);
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  ) {
    return value as PromiseLike<unknown>;
  }
  throw new TypeError(
    `${where}: argument ${index} must be a Task, a promise or a function, received ${describe(value)}`,
  );
}

/** Rejects a passed-in foreign promise's outcome quietly once we no longer listen. @internal */
export function noop(): void {}
