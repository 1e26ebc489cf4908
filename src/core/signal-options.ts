/**
 * `SignalOptions`, the one options type of every waiting call (DESIGN §1.6): sleeping, acquiring, queue
 * `get`/`put`/`join`, waiting on an event, condition or barrier, and the integrations' waits. It lives in the core
 * so that every layer can name it; a call that takes more options extends it (`AcquireOptions`).
 * @module
 */

/**
 * Options of a waiting call: `{ signal }`.
 *
 * @example
 * ```ts
 * import { Queue, type SignalOptions } from 'asyncio-ts';
 * const controller = new AbortController();
 * const options: SignalOptions = { signal: controller.signal };
 * setTimeout(() => controller.abort(), 100);
 * console.log(await new Queue<number>().get(options).catch((err: Error) => err.name)); // 'AbortError'
 * ```
 */
export interface SignalOptions {
  /** Rejects the wait with `signal.reason` when it aborts (the waiter leaves its queue at once). */
  signal?: AbortSignal;
}
