/**
 * `ClientResponse`: aiohttp's response object. The status and headers are in when you get it; the body is
 * read with `text()`, `json()`, `arrayBuffer()`, `bytes()` or streamed with `for await (… of res.body)`.
 * @module
 */
import { inspect, TextDecoder } from 'node:util';
import { storage } from '../core/context.js';
import type { Task } from '../core/task.js';
import { describe } from '../core/validate.js';
import type { BodyStream } from './body-stream.js';
import { HttpStatusError } from './errors.js';
import type { Exchange } from './exchange.js';

/**
 * One redirect followed on the way to a response: what `response.history` lists.
 *
 * @example
 * ```ts
 * declare const session: ClientSession;
 * declare const server: TestServer;
 * const res = await session.get(`${server.url}/redirect/2`);
 * for (const hop of res.history) console.log(hop.status, hop.url, hop.headers.get('location'));
 * ```
 */
export interface RedirectHop {
  /** The redirect's status (301, 302, 303, 307 or 308). */
  readonly status: number;
  /** The URL that answered with the redirect. */
  readonly url: string;
  /** The redirect response's headers (`location` among them). */
  readonly headers: Headers;
}

/**
 * A response whose status and headers have arrived. Reading the body is a checkpoint (cancelling the task
 * aborts the request); `release()` (or `await using`) lets the connection go when the body is not needed.
 * A body left unread is released when the task that made the request ends, or when the session closes.
 *
 * @example
 * <!-- no-run: fetches from the internet -->
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
  /** @internal */
  private readonly stream: BodyStream;
  /** @internal undici's header record (lower-case names). */
  private readonly rawHeaders: Record<string, string | string[] | undefined>;
  /** @internal built on first use. */
  private headerObject: Headers | undefined = undefined;
  /**
   * How many attempts the session's `retry` policy made to get this response (1 without retries): for
   * logs and for tools such as `asyncio-ts fetch --json`.
   */
  attempts = 1;
  /** @internal when the request first went on the wire (the run's clock), queueing excluded. */
  sentAt = 0;
  /** @internal the redirects followed to get here, in order. */
  redirectHistory: readonly RedirectHop[] = [];

  /** @internal responses are made by the session. */
  constructor(
    exchange: Exchange,
    stream: BodyStream,
    status: number,
    statusText: string,
    headers: Record<string, string | string[] | undefined>,
  ) {
    this.exchange = exchange;
    this.stream = stream;
    this.status = status;
    this.statusText = statusText;
    this.method = exchange.method;
    this.rawHeaders = headers;
  }

  /**
   * aiohttp's `ok`: true when the status is **below 400**, so a redirect that was not followed (3xx) counts as ok.
   * This differs from `fetch`'s `Response.ok` (200–299); test `status` directly where the difference matters.
   */
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

  /**
   * The redirect responses that led here, oldest first (aiohttp's `history`): each hop's status, URL and
   * headers (its body was not read). Empty when no redirect was followed.
   */
  get history(): readonly RedirectHop[] {
    return this.redirectHistory;
  }

  /**
   * The media type of the body from `Content-Type`, lower case and without parameters (aiohttp's
   * `content_type`); `'application/octet-stream'` when the header is missing, as RFC 9110 says to assume.
   */
  get contentType(): string {
    const value = this.lastValue('content-type');
    if (value === undefined) return 'application/octet-stream';
    const semi = value.indexOf(';');
    return (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  }

  /** The `charset` parameter of `Content-Type`, lower case, or `null` when there is none. */
  get charset(): string | null {
    const value = this.lastValue('content-type');
    // Most types have no parameter: skip the regular expression (every text() asks).
    if (value === undefined || value.indexOf(';') < 0) return null;
    return CHARSET.exec(value)?.[1]?.toLowerCase() ?? null;
  }

  /**
   * `Content-Length` as a number (the length on the wire, before decompression), or `null` when the
   * header is missing or not a valid length.
   */
  get contentLength(): number | null {
    const value = this.headerValue('content-length');
    if (value === undefined || !/^\d+$/.test(value.trim())) return null;
    return Number(value);
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

  /** The last of a header's values: a repeated `Content-Type` counts by its last (the fetch standard's rule). */
  private lastValue(name: string): string | undefined {
    const value = this.rawHeaders[name];
    return Array.isArray(value) ? value.at(-1) : value;
  }

  /** One header's raw value(s) (lower-case name), e.g. every `set-cookie`. @internal */
  rawHeader(name: string): string | string[] | undefined {
    return this.rawHeaders[name];
  }

  /** One header's value (lower-case name), without building `headers`. @internal */
  headerValue(name: string): string | undefined {
    const value = this.rawHeaders[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /**
   * The body decoded as text: with `encoding` when given (any WHATWG label: `'latin1'`, `'shift_jis'`, …),
   * else with the `Content-Type` charset, else UTF-8 (also for a charset no decoder knows). Malformed bytes
   * become U+FFFD, as in `fetch`. A checkpoint; reading the body twice returns the same result. An
   * unknown `encoding` is a `RangeError` at the call.
   *
   * @example
   * ```ts
   * declare const oldPage: string;
   * declare const session: ClientSession;
   * declare const url: string;
   * const html = await (await session.get(url)).text();
   * const legacy = await (await session.get(oldPage)).text('windows-1252');
   * ```
   */
  text(encoding?: string): Promise<string> {
    const decoder = textDecoderFor(encoding, this.charset);
    const scope = storage.getStore();
    const ready = this.stream.ifReady(scope);
    if (ready !== undefined) return Promise.resolve(decodeText(ready, decoder));
    return this.stream.readAll(scope).then((bytes) => decodeText(bytes, decoder));
  }

  /**
   * The body parsed as JSON. A checkpoint. Decided against `fetch` and aiohttp (docs/http.md): the
   * content type is not checked (as `fetch`: servers mislabel JSON), an empty body gives `null` (as
   * aiohttp: a 204 from a JSON API reads without a special case), and a body that is not JSON throws a
   * `SyntaxError` naming the URL, status and content type, with the parser's error as `cause`.
   *
   * @example
   * ```ts
   * declare const session: ClientSession;
   * declare const server: TestServer;
   * const data = await (await session.get(`${server.url}/json`)).json();
   * ```
   */
  json<T = unknown>(): Promise<T> {
    const decoder = textDecoderFor(undefined, this.charset);
    const scope = storage.getStore();
    const ready = this.stream.ifReady(scope);
    if (ready !== undefined) {
      try {
        return Promise.resolve(this.parseJson<T>(ready, decoder));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return this.stream.readAll(scope).then((bytes) => this.parseJson<T>(bytes, decoder));
  }

  /** @internal */
  private parseJson<T>(bytes: Buffer, decoder: TextDecoder | undefined): T {
    const text = decodeText(bytes, decoder);
    if (text.trim() === '') return null as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new SyntaxError(
        `The body of ${this.method} ${this.url} (${this.status}, ${this.contentType}) is not JSON: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  /**
   * The body as bytes (aiohttp's `read()`). A checkpoint.
   *
   * @example
   * ```ts
   * declare const session: ClientSession;
   * declare const imageUrl: string;
   * const png = await (await session.get(imageUrl)).bytes();
   * ```
   */
  bytes(): Promise<Uint8Array> {
    return this.stream.readAll(storage.getStore());
  }

  /**
   * The body as an `ArrayBuffer`. A checkpoint.
   *
   * @example
   * ```ts
   * declare const session: ClientSession;
   * declare const url: string;
   * const buffer = await (await session.get(url)).arrayBuffer();
   * ```
   */
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.stream.readAll(storage.getStore()).then(toArrayBuffer);
  }

  /**
   * The body as an async iterable of decoded chunks (backpressure: the socket pauses while you do not read).
   * Each step is a checkpoint; leaving the loop early releases the response.
   *
   * @example
   * ```ts
   * declare const session: ClientSession;
   * declare const server: TestServer;
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
    const stream = this.stream;
    return {
      next: () => stream.next(storage.getStore()),
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
   * declare const session: ClientSession;
   * declare const url: string;
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
   * declare const session: ClientSession;
   * declare const url: string;
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

/**
 * The decoder for an explicit `encoding` (a `RangeError` if unknown) or a declared `charset` (ignored if
 * unknown); `undefined` for UTF-8, which Buffer decodes fastest.
 */
function textDecoderFor(encoding: unknown, charset: string | null): TextDecoder | undefined {
  if (encoding !== undefined) {
    if (typeof encoding !== 'string') {
      throw new TypeError(`ClientResponse.text: encoding must be a string, received ${describe(encoding)}`);
    }
    try {
      const decoder = new TextDecoder(encoding);
      return decoder.encoding === 'utf-8' ? undefined : decoder;
    } catch {
      throw new RangeError(
        `ClientResponse.text: encoding must be an encoding label such as 'utf-8' or 'latin1', received ${describe(encoding)}`,
      );
    }
  }
  if (charset === null || charset === 'utf-8' || charset === 'utf8') return undefined;
  try {
    const decoder = new TextDecoder(charset);
    return decoder.encoding === 'utf-8' ? undefined : decoder;
  } catch {
    return undefined;
  }
}

/** Decodes `bytes`; drops a UTF-8 byte-order mark (TextDecoder drops the others' own). */
function decodeText(bytes: Buffer, decoder: TextDecoder | undefined): string {
  if (decoder !== undefined) return decoder.decode(bytes);
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
