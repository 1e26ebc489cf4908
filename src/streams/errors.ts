/**
 * The errors of `asyncio-ts/streams` (DESIGN §12), each with a stable `code` and registered for cross-copy
 * `instanceof`, plus the one place where socket and pipe errors (`ECONNRESET`, `EPIPE`, …) are translated.
 * @module
 */
import { AsyncioError, registerErrorClass } from '../core/errors.js';

/**
 * The stream ended before `readexactly(n)` or `readuntil(separator)` was satisfied. `partial` holds the bytes
 * that were read (they are consumed); `expected` is `n`, or `null` for `readuntil`.
 *
 * @example
 * ```ts
 * import { StreamReader, IncompleteReadError } from 'asyncio-ts/streams';
 * const reader = new StreamReader();
 * reader.feedData('ab'); reader.feedEof();
 * await reader.readexactly(4).catch((err) => err instanceof IncompleteReadError && err.partial.length); // 2
 * ```
 */
export class IncompleteReadError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.IncompleteReadError');
  /** The bytes read before the end of the stream. */
  readonly partial: Buffer;
  /** How many bytes were asked for, or `null` when reading up to a separator. */
  readonly expected: number | null;
  constructor(partial: Buffer, expected: number | null) {
    super(
      `${partial.length} bytes read on a total of ${expected === null ? 'undefined' : expected} expected bytes`,
      'ERR_INCOMPLETE_READ',
    );
    this.partial = partial;
    this.expected = expected;
  }
}
registerErrorClass(IncompleteReadError, 'IncompleteReadError');

/**
 * `readuntil()` or `readline()` found no separator within the reader's `limit` (64 KiB by default), or found
 * it past the limit. `consumed` is how many bytes would have to be consumed; `readuntil` leaves them in the
 * buffer, `readline` discards them (asyncio).
 *
 * @example
 * ```ts
 * import { StreamReader, LimitOverrunError } from 'asyncio-ts/streams';
 * const reader = new StreamReader({ limit: 4 });
 * reader.feedData('too long\n');
 * await reader.readuntil('\n').catch((err) => err instanceof LimitOverrunError); // true
 * ```
 */
export class LimitOverrunError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.LimitOverrunError');
  /** Bytes to consume to get past the overrun. */
  readonly consumed: number;
  constructor(message: string, consumed: number) {
    super(message, 'ERR_LIMIT_OVERRUN');
    this.consumed = consumed;
  }
}
registerErrorClass(LimitOverrunError, 'LimitOverrunError');

/**
 * A connection or pipe failed: refused, unreachable, a TLS failure, or any other system error. `errno` is the
 * system code (`'ECONNREFUSED'`, `'ENOENT'`, …); the original error is the `cause`.
 *
 * @example
 * ```ts
 * import { openConnection, StreamConnectionError } from 'asyncio-ts/streams';
 * await openConnection({ host: '127.0.0.1', port: 1 })
 *   .catch((err) => err instanceof StreamConnectionError && err.errno); // 'ECONNREFUSED'
 * ```
 */
export class StreamConnectionError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.StreamConnectionError');
  /** The system error code, e.g. `'ECONNREFUSED'`, or `undefined` when there was none. */
  readonly errno: string | undefined;
  constructor(message: string, options?: { cause?: unknown; errno?: string; code?: string }) {
    super(message, options?.code ?? 'ERR_STREAM_CONNECTION', options);
    this.errno = options?.errno;
  }
}
registerErrorClass(StreamConnectionError, 'StreamConnectionError');

/**
 * The peer reset the connection or closed the pipe while data was in flight (`ECONNRESET`, `EPIPE`): Python's
 * `ConnectionResetError` and `BrokenPipeError`. Thrown by the next read or `drain()`.
 *
 * @example
 * ```ts
 * declare const reader: StreamReader;
 * import { ConnectionResetError } from 'asyncio-ts/streams';
 * await reader.read().catch((err) => err instanceof ConnectionResetError && err.errno); // 'ECONNRESET'
 * ```
 */
export class ConnectionResetError extends StreamConnectionError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.ConnectionResetError');
  constructor(message: string, options?: { cause?: unknown; errno?: string }) {
    super(message, { ...options, code: 'ERR_CONNECTION_RESET' });
  }
}
registerErrorClass(ConnectionResetError, 'ConnectionResetError');

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** Translates a socket or pipe error into the classes above, naming the peer. @internal */
export function translateStreamError(err: unknown, peer: string): unknown {
  if (err instanceof StreamConnectionError) return err;
  const errno = (err as { code?: unknown } | null)?.code;
  const code = typeof errno === 'string' ? errno : undefined;
  const text = err instanceof Error ? err.message : String(err);
  if (code !== undefined && RESET_CODES.has(code)) {
    return new ConnectionResetError(`Connection to ${peer} lost: ${text}`, { cause: err, errno: code });
  }
  return new StreamConnectionError(`Connection to ${peer} failed: ${text}`, { cause: err, errno: code });
}
