/**
 * The errors of `asyncio-ts/http` (DESIGN §7), each with a stable `code` and registered for cross-copy
 * `instanceof`, plus the one place where undici's errors (`UND_ERR_*`) and socket errors are translated.
 * @module
 */
import { AsyncioError, registerErrorClass, TimeoutError } from '../core/errors.js';

/**
 * The connection to the server failed: refused, reset, DNS lookup, TLS. The original error is the `cause`.
 *
 * @example
 * ```ts
 * import { ClientSession, ClientConnectionError } from 'asyncio-ts/http';
 * await using session = new ClientSession();
 * await session.get('http://127.0.0.1:1/').catch((err) => err instanceof ClientConnectionError); // true
 * ```
 */
export class ClientConnectionError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.ClientConnectionError');
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options?.code ?? 'ERR_CLIENT_CONNECTION', options);
  }
}
registerErrorClass(ClientConnectionError, 'ClientConnectionError');

/**
 * The server closed the connection before the response was complete (before the headers, or in the body).
 *
 * @example
 * ```ts
 * declare const session: ClientSession;
 * declare const server: TestServer;
 * import { ServerDisconnectedError } from 'asyncio-ts/http';
 * const res = await session.get(`${server.url}/close`);
 * await res.text().catch((err) => err instanceof ServerDisconnectedError); // true
 * ```
 */
export class ServerDisconnectedError extends ClientConnectionError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.ServerDisconnectedError');
  constructor(message = 'The server closed the connection', options?: { cause?: unknown }) {
    super(message, { cause: options?.cause, code: 'ERR_SERVER_DISCONNECTED' });
  }
}
registerErrorClass(ServerDisconnectedError, 'ServerDisconnectedError');

/**
 * Which of the session's timeouts fired.
 *
 * @example
 * ```ts
 * declare const err: unknown;
 * const phase: TimeoutPhase = err instanceof ClientTimeoutError ? err.phase : 'total';
 * ```
 */
export type TimeoutPhase = 'total' | 'connect' | 'sockRead';

/**
 * A request timeout fired; `phase` says which: `'total'` (request start to the end of the body),
 * `'connect'` (opening the connection) or `'sockRead'` (the gap between two reads from the socket).
 * A `TimeoutError`, so code that catches timeouts in general catches it too.
 *
 * @example
 * ```ts
 * declare const server: TestServer;
 * import { ClientSession, ClientTimeoutError } from 'asyncio-ts/http';
 * await using session = new ClientSession({ timeout: { total: 50 } });
 * try {
 *   await session.get(`${server.url}/delay/1`);
 * } catch (err) {
 *   if (err instanceof ClientTimeoutError) console.log(err.phase); // 'total'
 * }
 * ```
 */
export class ClientTimeoutError extends TimeoutError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.ClientTimeoutError');
  readonly phase: TimeoutPhase;
  /** The limit that was exceeded, in milliseconds. */
  readonly ms: number;
  constructor(phase: TimeoutPhase, ms: number, url: string, options?: { cause?: unknown }) {
    super(`${PHASE_TEXT[phase]} timeout of ${ms} ms exceeded for ${url}`, {
      cause: options?.cause,
      code: 'ERR_CLIENT_TIMEOUT',
    });
    this.phase = phase;
    this.ms = ms;
  }
}
registerErrorClass(ClientTimeoutError, 'ClientTimeoutError');

const PHASE_TEXT: Record<TimeoutPhase, string> = {
  total: 'Total',
  connect: 'Connect',
  sockRead: 'Socket read',
};

/**
 * The response body could not be delivered as promised: larger than `maxResponseBytes` (counted after
 * decompression, so a gzip bomb stops early), a bad `Content-Encoding`, or a length that does not match.
 *
 * @example
 * ```ts
 * declare const session: ClientSession;
 * declare const url: string;
 * import { ClientPayloadError } from 'asyncio-ts/http';
 * const res = await session.get(url, { maxResponseBytes: 1024 });
 * await res.arrayBuffer().catch((err) => err instanceof ClientPayloadError);
 * ```
 */
export class ClientPayloadError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.ClientPayloadError');
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'ERR_CLIENT_PAYLOAD', options);
  }
}
registerErrorClass(ClientPayloadError, 'ClientPayloadError');

/**
 * More redirects than `maxRedirects` in a row. `history` lists the URLs visited, the last one included.
 *
 * @example
 * ```ts
 * declare const session: ClientSession;
 * declare const server: TestServer;
 * import { TooManyRedirects } from 'asyncio-ts/http';
 * await session.get(`${server.url}/redirect/5`, { maxRedirects: 2 })
 *   .catch((err) => err instanceof TooManyRedirects); // true
 * ```
 */
export class TooManyRedirects extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.TooManyRedirects');
  readonly history: readonly string[];
  constructor(maxRedirects: number, history: readonly string[]) {
    super(
      `More than ${maxRedirects} redirects, last at ${history[history.length - 1]}`,
      'ERR_TOO_MANY_REDIRECTS',
    );
    this.history = history;
  }
}
registerErrorClass(TooManyRedirects, 'TooManyRedirects');

/**
 * A redirect that the session refuses to follow: from `https:` to `http:` (unless `allowInsecureRedirects`),
 * or to a scheme other than http(s). `location` is the target the server asked for.
 *
 * @example
 * ```ts
 * declare const session: ClientSession;
 * declare const secureUrl: string;
 * import { InvalidRedirectError } from 'asyncio-ts/http';
 * await session.get(`${secureUrl}/redirect-to?url=http://example.com/`)
 *   .catch((err) => err instanceof InvalidRedirectError); // true
 * ```
 */
export class InvalidRedirectError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.InvalidRedirectError');
  readonly location: string;
  constructor(message: string, location: string) {
    super(message, 'ERR_INVALID_REDIRECT');
    this.location = location;
  }
}
registerErrorClass(InvalidRedirectError, 'InvalidRedirectError');

/**
 * A response status of 400 or more where the caller asked for an error (`raiseForStatus`).
 *
 * @example
 * ```ts
 * declare const session: ClientSession;
 * declare const server: TestServer;
 * import { HttpStatusError } from 'asyncio-ts/http';
 * try {
 *   (await session.get(`${server.url}/status/404`)).raiseForStatus();
 * } catch (err) {
 *   if (err instanceof HttpStatusError) console.log(err.status, err.url); // 404 'http://…/status/404'
 * }
 * ```
 */
export class HttpStatusError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.HttpStatusError');
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly method: string;
  constructor(status: number, statusText: string, method: string, url: string) {
    super(`${status}${statusText === '' ? '' : ` ${statusText}`} for ${method} ${url}`, 'ERR_HTTP_STATUS');
    this.status = status;
    this.statusText = statusText;
    this.method = method;
    this.url = url;
  }
}
registerErrorClass(HttpStatusError, 'HttpStatusError');

/** Where in the exchange an error happened, for {@link translateError}. @internal */
export type ExchangePhase = 'connect' | 'headers' | 'body';

/**
 * Turns an error from undici or the socket into one of ours. Errors already ours (and cancellations) pass
 * through unchanged. @internal
 */
export function translateError(err: unknown, phase: ExchangePhase, method: string, url: string): unknown {
  if (err instanceof AsyncioError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new ClientTimeoutError('connect', connectTimeoutOf(err), url, { cause: err });
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
      if (phase === 'connect') break;
      return new ServerDisconnectedError(
        phase === 'body'
          ? `The server closed the connection in the middle of the response body of ${method} ${url}`
          : `The server closed the connection before sending a response to ${method} ${url}`,
        { cause: err },
      );
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return new ClientPayloadError(
        `The response body of ${method} ${url} does not match its Content-Length`,
        {
          cause: err,
        },
      );
    case 'UND_ERR_INVALID_ARG':
    case 'ERR_INVALID_ARG_TYPE':
    case 'ERR_INVALID_CHAR':
    case 'ERR_INVALID_HTTP_TOKEN':
      return new TypeError(`${method} ${url}: ${(err as Error).message}`, { cause: err });
    default:
      break;
  }
  const message = (err as { message?: unknown } | null)?.message;
  const detail = `${typeof code === 'string' ? `${code}: ` : ''}${String(message ?? err)}`;
  return new ClientConnectionError(
    phase === 'connect'
      ? `Cannot connect for ${method} ${url} (${detail})`
      : `Connection failed during ${method} ${url} (${detail})`,
    { cause: err },
  );
}

function connectTimeoutOf(err: unknown): number {
  const match = /timeout: (\d+)ms/.exec(String((err as Error).message));
  return match === null ? 10_000 : Number(match[1]);
}
