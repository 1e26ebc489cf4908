/**
 * The options every waiting call of the synchronisation primitives takes: `{ signal }`.
 * @module
 */
import { checkOptions, checkSignal } from '../core/validate.js';

/** Options of a waiting call (`acquire`, `wait`, `runExclusive`). */
export interface SignalOptions {
  /** Rejects the wait with `signal.reason` when it aborts (the waiter leaves the queue at once). */
  signal?: AbortSignal;
}

/** Validates `options` and returns its signal. @internal */
export function signalOf(options: SignalOptions | undefined, where: string): AbortSignal | undefined {
  if (options === undefined) return undefined;
  checkOptions(options, where);
  const signal = options.signal;
  checkSignal(signal, where);
  return signal;
}
