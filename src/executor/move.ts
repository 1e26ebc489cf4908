/**
 * `move(value)`: transfer instead of copy (piscina's `move`). Arguments and results cross the thread
 * boundary by structured clone; a moved `ArrayBuffer` (or the buffer under a typed array, or a
 * `MessagePort`) is handed over instead, without copying, and becomes unusable (detached) on the sender.
 * @module
 */
import { MessagePort, type TransferListItem } from 'node:worker_threads';
import { move as piscinaMove, transferableSymbol, valueSymbol } from 'piscina';
import { describe } from '../core/validate.js';

/** What {@link move} accepts: the buffer of a typed array or `DataView` is transferred with it. */
export type MovableValue = ArrayBuffer | ArrayBufferView | MessagePort;

/**
 * Marks `value` to be transferred to the other thread instead of copied: as an argument of a job (main →
 * worker) or as the value a job returns (worker → main). After the transfer the sender's buffer is detached
 * (`byteLength` 0). Only top-level arguments and the top-level return value are looked at, as in piscina.
 * The type stays `T`, so a moved argument fits the job's parameter.
 *
 * @example
 * ```ts
 * import { move, toThread } from 'asyncio-ts/executor';
 * const bytes = new Uint8Array(64 * 1024 * 1024);
 * const sum = await toThread((data: Uint8Array) => data.reduce((a, b) => a + b, 0), move(bytes));
 * console.log(bytes.byteLength); // 0: the buffer now belongs to the worker
 * ```
 */
export function move<T extends MovableValue>(value: T): T {
  // Refused here, at the call: a value that cannot be transferred would otherwise fail when the job is
  // posted, or (returned from a job) kill its worker thread.
  if (!isMovable(value)) {
    throw new TypeError(
      `move: value must be an ArrayBuffer, a typed array or DataView on an ArrayBuffer, or a MessagePort, received ${describe(value)}`,
    );
  }
  return piscinaMove(value) as unknown as T;
}

function isMovable(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (transferableSymbol in value) return true; // moved already
  if (value instanceof ArrayBuffer) return true;
  // A SharedArrayBuffer is shared, not transferred: structured clone passes it as it is, without move().
  if (ArrayBuffer.isView(value)) return value.buffer instanceof ArrayBuffer;
  return value instanceof MessagePort;
}

/**
 * Replaces each moved argument by its value, in place, and returns what to transfer (undefined when nothing
 * was moved: the common case allocates nothing).
 * @internal
 */
export function takeTransfers(args: unknown[]): TransferListItem[] | undefined {
  let transfers: TransferListItem[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg === 'object' && arg !== null && transferableSymbol in arg) {
      const movable = arg as Record<symbol, unknown>;
      (transfers ??= []).push(movable[transferableSymbol] as TransferListItem);
      args[i] = movable[valueSymbol];
    }
  }
  return transfers;
}

/** In the worker: marks a returned moved value for piscina, whichever copy of piscina wrapped it. @internal */
export function markResult(result: unknown): unknown {
  if (typeof result === 'object' && result !== null && transferableSymbol in result) {
    return piscinaMove(result as unknown as ArrayBuffer);
  }
  return result;
}
