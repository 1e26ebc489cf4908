/**
 * The opening check of every waiting call (trio's `checkpoint_if_cancelled`): a call made in a cancelled
 * scope, or with an aborted signal, fails at once, before it takes anything or queues. One definition, so the
 * order (the scope's reason wins over the signal's) and the cost (two field reads, no allocation) are the same
 * everywhere.
 * @module
 */
import type { CancelScope } from './cancel-scope.js';

/**
 * The reason a waiting call must fail with now: the scope's cancellation, else the signal's abort reason;
 * `undefined` when it may go on. @internal
 */
export function cancelledReason(scope: CancelScope | undefined, signal?: AbortSignal): unknown {
  if (scope !== undefined && scope.cancelReason !== undefined) return scope.cancelReason;
  if (signal?.aborted) return signal.reason;
  return undefined;
}
