/**
 * The options every waiting call of the synchronisation primitives takes: `{ signal }`.
 * @module
 */
import type { SignalOptions } from '../core/signal-options.js';
import { checkOptions, checkSignal } from '../core/validate.js';

export type { SignalOptions } from '../core/signal-options.js';

/** Options of `Semaphore.acquire`: `{ signal, weight }`. */
export interface AcquireOptions extends SignalOptions {
  /**
   * How many permits to take at once (an integer >= 1, default 1), released together by the one
   * {@link Permit}. A weighted waiter keeps its place in line: later callers wait behind it.
   */
  weight?: number;
}

/** Validates `options` and returns its signal. @internal */
export function signalOf(options: SignalOptions | undefined, where: string): AbortSignal | undefined {
  if (options === undefined) return undefined;
  checkOptions(options, where);
  const signal = options.signal;
  checkSignal(signal, where);
  return signal;
}
