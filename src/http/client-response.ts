/**
 * `ClientResponse`: aiohttp's response object. The status and headers are in when you get it; the body is
 * read with `text()`, `json()`, `arrayBuffer()`, `bytes()` or streamed with `for await (… of res.body)`.
 * @module
 */
import { inspect } from 'node:util';
import { storage } from '../core/context.js';
import type { Task } from '../core/task.js';
import { HttpStatusError } from './errors.js';
import type { Exchange } from './exchange.js';

/**
 * A response whose status and headers have arrived. Reading the body is a checkpoint (cancelling the task
 * aborts the request); `release()` (or `await using`) lets the connection go when the body is not needed.
 * A body left unread is released when the task that made the request ends, or when the session closes.
 *
 * @example
 * ```ts
 * import { ClientSession } from 'asyncio-ts/http';
 * await using session = new ClientSession();
 * await using res = await session.get('https://example.com/');
 * console.log(res.status, res.headers.get('content-type'));
 * const html = await res.text();
 * ```
 */
export class ClientResponse implements AsyncIterable<Uint8Array> {
  /** The status code, e.g. 200. */
  readonly status: number;
  /** The reason phrase, e.g. `'OK'` (may be empty). */
  readonly statusText: string;
  /** The request method. */
  readonly method: string;
  /** @internal */
  private readonly exchange: Exchange;
  /** @internal undici's header record (lower-case names). */
  private readonly rawHeaders: Record<string, string | string[] | undefined>;
  /** @internal built on first use. */
  private headerObject: Headers | undefined = undefined;
  /** @internal the URLs redirected from, in order. */
  redirectHistory: readonly string[] = [];

  /** @internal responses are made by the session. */
  constructor(
    exchange: Exchange,
    status: number,
    statusText: string,
    headers: Record<string, string | string[] | undefined>,
  ) {
    this.exchange = exchange;
    this.status = status;
    this.statusText = statusText;
    this.method = exchange.method;
    this.rawHeaders = headers;
  }

  /** aiohttp's `ok`: true when the status is below 400 (so redirects not followed count as ok). */
  get ok(): boolean {
    return this.status < 400;
  }

  /** The final URL, after redirects. */
  get url(): string {
    return this.exchange.url;
  }

  /** True when at least one redirect was followed to get here. */
  get redirected(): boolean {
    return this.redirectHistory.length > 0;
  }

  /** The URLs that redirected to this response, oldest first (aiohttp's `history`). */
  get history(): readonly string[] {
    return this.redirectHistory;
  }

  /** The response headers (a `Headers`, so names are case-insensitive). */
  get headers(): Headers {
    let headers = this.headerObject;
    if (headers === undefined) {
      headers = new Headers();
      const raw = this.rawHeaders;
      for (const name of Object.keys(raw)) {
        const value = raw[name];
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const one of value) headers.append(name, one);
        else headers.append(name, value);
      }
      this.headerObject = headers;
    }
    return headers;
  }

  /** @internal the task that holds the response releases it when it ends (see `Exchange.adoptBy`). */
  adoptBy(task: Task<unknown> | undefined): void {
    this.exchange.adoptBy(task);
  }

  /** One header's value (lower-case name), without building `headers`. @internal */
  headerValue(name: string): string | undefined {
    const value = this.rawHeaders[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /**
   * The body decoded as text, with the charset of the `Content-Type` (UTF-8 by default). A checkpoint.
   * Reading the body twice returns the same result (it is kept once read).
   *
   * @example
   * ```ts
   * const html = await (await session.get(url)).text();
   * ```
   */
  text(): Promise<string> {
    const scope = storage.getStore();
    const ready = this.exchange.bodyIfReady(scope);
    if (ready !== undefined) return Promise.resolve(decodeText(ready, this.headerValue('content-type')));
    return this.exchange.readAll(scope).then((bytes) => decodeText(bytes, this.headerValue('content-type')));
  }

  /**
   * The body parsed as JSON (a `SyntaxError` if it is not JSON). A checkpoint.
   *
   * @example
   * ```ts
   * const data = await (await session.get(`${server.url}/json`)).json();
   * ```
   */
  json<T = unknown>(): Promise<T> {
    const scope = storage.getStore();
    const ready = this.exchange.bodyIfReady(scope);
    if (ready !== undefined) {
      try {
        return Promise.resolve(JSON.parse(decodeText(ready, this.headerValue('content-type'))) as T);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return this.exchange
      .readAll(scope)
      .then((bytes) => JSON.parse(decodeText(bytes, this.headerValue('content-type'))) as T);
  }

  /**
   * The body as bytes (aiohttp's `read()`). A checkpoint.
   *
   * @example
   * ```ts
   * const png = await (await session.get(imageUrl)).bytes();
   * ```
   */
  bytes(): Promise<Uint8Array> {
    return this.exchange.readAll(storage.getStore());
  }

  /**
   * The body as an `ArrayBuffer`. A checkpoint.
   *
   * @example
   * ```ts
   * const buffer = await (await session.get(url)).arrayBuffer();
   * ```
   */
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.exchange.readAll(storage.getStore()).then(toArrayBuffer);
  }

  /**
   * The body as an async iterable of decoded chunks (backpressure: the socket pauses while you do not read).
   * Each step is a checkpoint; leaving the loop early releases the response.
   *
   * @example
   * ```ts
   * const res = await session.get(`${server.url}/drip?numbytes=5&duration=0.5`);
   * for await (const chunk of res.body) process.stdout.write(chunk);
   * ```
   */
  get body(): AsyncIterable<Uint8Array> {
    return this;
  }

  /** Same as iterating `body`. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const exchange = this.exchange;
    return {
      next: () => exchange.next(storage.getStore()),
      return: (): Promise<IteratorResult<Uint8Array>> => {
        exchange.release();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  /**
   * Throws {@link HttpStatusError} if the status is 400 or more (aiohttp's `raise_for_status()`). The
   * response is released first, since nobody will read it.
   *
   * @example
   * ```ts
   * const res = await session.get(url);
   * res.raiseForStatus();
   * ```
   */
  raiseForStatus(): void {
    if (this.status < 400) return;
    this.release();
    throw new HttpStatusError(this.status, this.statusText, this.method, this.url);
  }

  /**
   * Lets the connection go without reading the rest of the body: a small remainder is drained in the
   * background so the connection can be reused, a large one closes it. A body already complete stays
   * readable. Never waits; calling it again does nothing.
   *
   * @example
   * ```ts
   * const res = await session.get(url);
   * if (res.status !== 200) res.release();
   * ```
   */
  release(): void {
    this.exchange.release();
  }

  /** `await using res = await session.get(url)` releases the response at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    this.exchange.release();
    return Promise.resolve();
  }

  /** @internal */
  [inspect.custom](): string {
    return `<ClientResponse ${this.status} ${this.method} ${this.url}>`;
  }
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/** Decodes with the `Content-Type`'s charset (UTF-8 when absent or unknown); drops a UTF-8 byte-order mark. */
function decodeText(bytes: Buffer, contentType: string | undefined): string {
  const charset = contentType === undefined ? undefined : CHARSET.exec(contentType)?.[1]?.toLowerCase();
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') {
    const text = bytes.toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}
