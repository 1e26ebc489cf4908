/**
 * `ClientSession`: aiohttp's ClientSession on undici. Connection pools per origin (keep-alive), `limit` and
 * `limitPerHost` on our cancellation-safe `Semaphore`, `rateLimit` on our `RateLimiter`, timeouts on the run's
 * clock, retries with backoff, redirects that keep credentials at home, and every wait a checkpoint.
 * @module
 */
import { setMaxListeners } from 'node:events';
import { inspect } from 'node:util';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { InvalidStateError } from '../core/errors.js';
import { checkInteger, checkOptions, checkSignal, describe } from '../core/validate.js';
import { RateLimiter } from '../sync/rate-limiter.js';
import { Semaphore } from '../sync/semaphore.js';
import type { ClientResponse } from './client-response.js';
import { isCookieJar, SessionCookies } from './cookies.js';
import { ClientConnectionError } from './errors.js';
import { LiveExchanges } from './exchange.js';
import { HostPool, type PoolSettings } from './host-pool.js';
import { RequestBuilder } from './request-builder.js';
import type { RequestOptions } from './request-options.js';
import { RequestPlan, type SessionCore } from './request-plan.js';
import {
  type ClientSessionOptions,
  checkKeys,
  checkPositive,
  DEFAULT_SETTINGS,
  REQUEST_KEYS,
  resolveSettings,
  SESSION_KEYS,
  type Settings,
} from './session-options.js';

export type { ClientSessionOptions, RateLimitOptions } from './session-options.js';

const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

type SessionState = 'open' | 'closed';

/**
 * A pool of HTTP connections and the defaults for the requests made through it (aiohttp's ClientSession).
 * Make one per application or per job, not per request, and close it when done (`await using` does).
 *
 * Every request is a checkpoint: cancelling the task (or aborting `signal`) aborts the request in any phase,
 * connecting, waiting for the headers or reading the body, and frees its connection.
 *
 * @example
 * <!-- no-run: fetches from the internet -->
 * ```ts
 * import { gather, run } from 'asyncio-ts';
 * import { ClientSession } from 'asyncio-ts/http';
 *
 * const urls = ['https://example.com/', 'https://example.org/'];
 * await run(async () => {
 *   await using session = new ClientSession();
 *   const fetchStatus = async (url: string) => {
 *     await using res = await session.get(url);
 *     return [url, res.status] as const;
 *   };
 *   const results = await gather(...urls.map((url) => () => fetchStatus(url)));
 *   for (const [url, status] of results) console.log(status, url);
 * });
 * ```
 */
// ExchangeOwner is internal (stripped from the .d.ts), so it is satisfied structurally, not named here.
export class ClientSession implements AsyncDisposable {
  /** @internal exchanges with something on the wire (aborted by `close()`). */
  readonly live: LiveExchanges = new LiveExchanges();
  /** @internal */
  private state: SessionState = 'open';
  /** @internal */
  private closing: Promise<void> | undefined = undefined;
  /** @internal one per origin, made on first use. */
  private readonly hosts = new Map<string, HostPool>();
  /** @internal */
  private readonly defaults: Settings;
  /** @internal `limit` (undefined: none). */
  readonly semaphore: Semaphore | undefined;
  /** @internal `limitPerHost` (0: none). */
  private readonly limitPerHost: number;
  /** @internal the session-wide rate limiter. */
  readonly limiter: RateLimiter | undefined;
  /** @internal set when each origin gets its own limiter. */
  private readonly hostRate: { rate: number; perMs: number } | undefined;
  /** @internal */
  private readonly poolSettings: PoolSettings;
  /** @internal aborts the waits of requests queued for a permit or a token when the session closes. */
  private closeController: AbortController | undefined = undefined;
  /** @internal the session's part in every request's URL, headers and body. */
  private readonly builder: RequestBuilder;
  /** @internal undefined when `cookieJar: false`. */
  readonly cookies: SessionCookies | undefined;

  constructor(options?: ClientSessionOptions) {
    const where = 'ClientSession';
    checkOptions(options, where);
    const given = options ?? {};
    checkKeys(given, SESSION_KEYS, where);
    this.builder = new RequestBuilder(given, where);
    const cookieJar = given.cookieJar;
    if (cookieJar !== undefined && cookieJar !== false && !isCookieJar(cookieJar)) {
      throw new TypeError(
        `${where}: options.cookieJar must be false or a cookie jar (getCookieStringSync, setCookieSync), received ${describe(cookieJar)}`,
      );
    }
    this.cookies = cookieJar === false ? undefined : new SessionCookies(cookieJar);
    const limit = given.limit ?? 100;
    checkInteger(limit, 'options.limit', where, 0);
    this.semaphore = limit === 0 ? undefined : new Semaphore(limit);
    const limitPerHost = given.limitPerHost ?? 0;
    checkInteger(limitPerHost, 'options.limitPerHost', where, 0);
    this.limitPerHost = limitPerHost;
    const rateLimit = given.rateLimit;
    if (rateLimit instanceof RateLimiter) {
      this.limiter = rateLimit;
    } else if (rateLimit !== undefined) {
      checkOptions(rateLimit, `${where} (options.rateLimit)`);
      if (rateLimit === null)
        throw new TypeError(
          `${where}: options.rateLimit must be a RateLimiter or { rate, perMs }, received null`,
        );
      const { rate, perMs, perHost } = rateLimit;
      // Validated by the RateLimiter constructor (a RangeError naming rate or perMs).
      const probe = new RateLimiter(rate, perMs);
      if (perHost === true) this.hostRate = { rate, perMs };
      else this.limiter = probe;
    }
    const keepAliveTimeout = given.keepAliveTimeout ?? 4000;
    checkPositive(keepAliveTimeout, 'options.keepAliveTimeout', where);
    this.poolSettings = { connections: limitPerHost === 0 ? null : limitPerHost, keepAliveTimeout };
    this.defaults = resolveSettings(given, DEFAULT_SETTINGS, where);
  }

  /** @internal SessionCore: not closed. */
  get open(): boolean {
    return this.state === 'open';
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.state === 'closed';
  }

  /**
   * Makes a request and resolves with the response once its headers are in (read the body from it, or
   * `release()` it). A checkpoint. Rejects with `InvalidStateError` on a closed session; throws a
   * `TypeError`/`RangeError` at once for bad arguments.
   *
   * @example
   * ```ts
   * declare const session: ClientSession;
   * const res = await session.request('GET', 'https://example.com/', { params: { q: 'asyncio' } });
   * const body = await res.text();
   * ```
   */
  request(method: string, url: string | URL, options?: RequestOptions): Promise<ClientResponse> {
    if (typeof method !== 'string' || !METHOD.test(method)) {
      throw new TypeError(
        `ClientSession.request: method must be an HTTP token such as 'GET', received ${describe(method)}`,
      );
    }
    const upper = method.toUpperCase();
    if (upper === 'CONNECT') throw new TypeError('ClientSession.request: method CONNECT is not supported');
    return this.begin('ClientSession.request', upper, url, options);
  }

  /**
   * `GET url`.
   *
   * @example
   * ```ts
   * declare const session: ClientSession;
   * const data = await (await session.get('/users', { params: { page: 2 } })).json();
   * ```
   */
  get(url: string | URL, options?: RequestOptions): Promise<ClientResponse> {
    return this.begin('ClientSession.get', 'GET', url, options);
  }

  /**
   * `POST url`, usually with `json`, `form` or `body`.
   *
   * @example
   * ```ts
   * declare const session: ClientSession;
   * const res = await session.post('/users', { json: { name: 'Ada' } });
   * ```
   */
  post(url: string | URL, options?: RequestOptions): Promise<ClientResponse> {
    return this.begin('ClientSession.post', 'POST', url, options);
  }

  /**
   * `PUT url`.
   *
   * @example
   * ```ts
   * declare const session: ClientSession;
   * await session.put('/users/1', { json: { name: 'Ada' } });
   * ```
   */
  put(url: string | URL, options?: RequestOptions): Promise<ClientResponse> {
    return this.begin('ClientSession.put', 'PUT', url, options);
  }

  /**
   * `PATCH url`.
   *
   * @example
   * ```ts
   * declare const session: ClientSession;
   * await session.patch('/users/1', { json: { name: 'Ada' } });
   * ```
   */
  patch(url: string | URL, options?: RequestOptions): Promise<ClientResponse> {
    return this.begin('ClientSession.patch', 'PATCH', url, options);
  }

  /**
   * `DELETE url`.
   *
   * @example
   * ```ts
   * declare const session: ClientSession;
   * await session.delete('/users/1');
   * ```
   */
  delete(url: string | URL, options?: RequestOptions): Promise<ClientResponse> {
    return this.begin('ClientSession.delete', 'DELETE', url, options);
  }

  /**
   * `HEAD url` (the response has no body).
   *
   * @example
   * ```ts
   * declare const session: ClientSession;
   * declare const url: string;
   * const size = (await session.head(url)).headers.get('content-length');
   * ```
   */
  head(url: string | URL, options?: RequestOptions): Promise<ClientResponse> {
    return this.begin('ClientSession.head', 'HEAD', url, options);
  }

  /**
   * `OPTIONS url`.
   *
   * @example
   * ```ts
   * declare const session: ClientSession;
   * declare const url: string;
   * const allow = (await session.options(url)).headers.get('allow');
   * ```
   */
  options(url: string | URL, options?: RequestOptions): Promise<ClientResponse> {
    return this.begin('ClientSession.options', 'OPTIONS', url, options);
  }

  /**
   * Closes every connection: requests still running fail with `ClientConnectionError`, requests waiting
   * for a permit with `InvalidStateError`, and new ones are refused. Bodies already received stay readable.
   * Not a checkpoint (it completes in a cancelled task too, which is what `await using` needs); calling it
   * again returns the same promise.
   *
   * @example
   * ```ts
   * declare const url: string;
   * const session = new ClientSession();
   * try { await session.get(url); } finally { await session.close(); }
   * ```
   */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.state = 'closed';
    this.closeController?.abort(this.closedError());
    const error = new ClientConnectionError('The session was closed while the request was running');
    for (const exchange of [...this.live]) exchange.abort(error);
    const hosts = [...this.hosts.values()];
    this.hosts.clear();
    this.closing = Promise.all(hosts.map((host) => host.destroy())).then(noop);
    return this.closing;
  }

  /** `await using session = new ClientSession()` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** @internal */
  [inspect.custom](): string {
    return `<ClientSession ${this.state} hosts=${this.hosts.size} inFlight=${this.live.size}>`;
  }

  // ---- the request path ----------------------------------------------------------------------------------

  /** @internal checks, then runs the request; argument errors throw synchronously. */
  private begin(
    where: string,
    method: string,
    url: string | URL,
    options: RequestOptions | undefined,
  ): Promise<ClientResponse> {
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      checkOptions(options, where);
      checkKeys(options, REQUEST_KEYS, where);
      signal = options.signal;
      checkSignal(signal, where);
    }
    const hop = this.builder.prepare(where, method, url, options);
    const settings = options === undefined ? this.defaults : resolveSettings(options, this.defaults, where);
    if (this.state !== 'open') return Promise.reject(this.closedError());
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    return new RequestPlan(this as SessionCore, settings, scope, signal).run(hop);
  }

  /** @internal */
  hostFor(origin: string): HostPool {
    let host = this.hosts.get(origin);
    if (host === undefined) {
      const hostRate = this.hostRate;
      host = new HostPool(
        origin,
        this.poolSettings,
        this.limitPerHost === 0 ? undefined : new Semaphore(this.limitPerHost),
        hostRate === undefined ? undefined : new RateLimiter(hostRate.rate, hostRate.perMs),
      );
      this.hosts.set(origin, host);
    }
    return host;
  }

  /** @internal the signal for waits on permits, tokens and backoff: the caller's, and the session's close. */
  waitSignal(signal: AbortSignal | undefined): AbortSignal {
    let controller = this.closeController;
    if (controller === undefined) {
      controller = this.closeController = new AbortController();
      // Every request queued for a permit or a token listens to it (hundreds, in a crawler): not a leak.
      setMaxListeners(0, controller.signal);
      if (this.state === 'closed') controller.abort(this.closedError());
    }
    return signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
  }

  /** @internal */
  closedError(): InvalidStateError {
    return new InvalidStateError('ClientSession is closed');
  }
}

function noop(): void {}
