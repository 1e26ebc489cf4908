/**
 * `ClientSession`: aiohttp's ClientSession on undici. Connection pools per origin (keep-alive), `limit` and
 * `limitPerHost` on our cancellation-safe `Semaphore`, `rateLimit` on our `RateLimiter`, timeouts on the run's
 * clock, retries with backoff, redirects that keep credentials at home, and every wait a checkpoint.
 * @module
 */
import { setMaxListeners } from 'node:events';
import { inspect } from 'node:util';
import type { CancelScope } from '../core/cancel-scope.js';
import { storage } from '../core/context.js';
import { InvalidStateError } from '../core/errors.js';
import { checkInteger, checkOptions, checkSignal, describe } from '../core/validate.js';
import type { Permit } from '../sync/permit.js';
import { RateLimiter } from '../sync/rate-limiter.js';
import { Semaphore } from '../sync/semaphore.js';
import { clockOf, sleep } from '../tasks/sleep.js';
import type { ClientResponse, RedirectHop } from './client-response.js';
import { type CookieJarLike, isCookieJar, SessionCookies } from './cookies.js';
import { authorizationOf, type BasicAuth, redactUrl } from './credentials.js';
import { ClientConnectionError, HttpStatusError, TooManyRedirects } from './errors.js';
import { Exchange, LiveExchanges } from './exchange.js';
import { HostPool, type PoolSettings } from './host-pool.js';
import { isRedirectStatus, nextHop } from './redirect.js';
import {
  applyParams,
  encodeBody,
  type HeadersInput,
  type Hop,
  makeHop,
  mergeHeaders,
  normalizeHeaders,
  type Params,
  paramPairs,
  type RequestOptions,
  type Target,
  targetOf,
} from './request-options.js';
import {
  backoffDelay,
  isRetryableError,
  parseRetryAfter,
  type RetryOptions,
  type RetryPolicy,
  resolveRetry,
} from './retry.js';
import { type ClientTimeout, DEFAULT_TIMEOUTS, type ResolvedTimeouts, resolveTimeouts } from './timeouts.js';

/**
 * `rateLimit` as numbers: `rate` requests per `perMs` milliseconds, for the whole session or `perHost`.
 *
 * @example
 * ```ts
 * const session = new ClientSession({ rateLimit: { rate: 5, perMs: 1000, perHost: true } });
 * ```
 */
export interface RateLimitOptions {
  rate: number;
  perMs: number;
  /** One limiter per origin instead of one for the session. Default false. */
  perHost?: boolean;
}

/**
 * Options of a {@link ClientSession}. Every request option of the same name overrides these per request.
 *
 * @example
 * ```ts
 * import { ClientSession } from 'asyncio-ts/http';
 * const session = new ClientSession({
 *   baseUrl: 'https://api.example.com/v1/',
 *   headers: { authorization: `Bearer ${token}` },
 *   limitPerHost: 4,
 *   rateLimit: { rate: 10, perMs: 1000 },
 *   timeout: { total: 10_000, connect: 2_000 },
 *   retry: true,
 *   raiseForStatus: true,
 * });
 * ```
 */
export interface ClientSessionOptions {
  /** Relative request URLs are resolved against it as a browser does (`new URL(url, baseUrl)`). */
  baseUrl?: string | URL;
  /** Headers sent with every request (besides `accept`, `accept-encoding` and `user-agent` defaults). */
  headers?: HeadersInput;
  /** Query parameters added to every request. */
  params?: Params;
  /** Requests in flight at once across all hosts; 0 for no limit. Default 100 (aiohttp's). */
  limit?: number;
  /** Requests in flight at once per origin (also the connections per origin); 0 for no limit (default). */
  limitPerHost?: number;
  /** Timeouts in milliseconds. Default `{ total: 300_000 }` (aiohttp's five minutes). */
  timeout?: ClientTimeout;
  /** Retry policy; off unless given (`true` for the defaults). */
  retry?: RetryOptions | boolean;
  /** A `RateLimiter` (which may be shared), or `{ rate, perMs, perHost }`. Off by default. */
  rateLimit?: RateLimiter | RateLimitOptions;
  /** Throw `HttpStatusError` for every status >= 400. Default false. */
  raiseForStatus?: boolean;
  /** The most bytes of any response body, counted after decompression. Default none. */
  maxResponseBytes?: number | null;
  /** Redirects followed at most per request. Default 10. */
  maxRedirects?: number;
  /** Follow https → http redirects. Default false (`InvalidRedirectError`). */
  allowInsecureRedirects?: boolean;
  /** How long an idle keep-alive connection is kept, in milliseconds. Default 4000 (undici's). */
  keepAliveTimeout?: number;
  /**
   * HTTP Basic credentials sent with every request (only to `baseUrl`'s origin when `baseUrl` is given, as
   * aiohttp does). Credentials in `baseUrl` itself are used the same way; giving both is a `TypeError`.
   */
  auth?: BasicAuth;
  /**
   * The cookie jar: by default one of the session's own (RFC 6265, on `tough-cookie`); `false` for none;
   * or a jar to share or persist, such as a `tough-cookie` `CookieJar` with a synchronous store.
   */
  cookieJar?: CookieJarLike | false;
}

/** Per-request behaviour after merging the request's options over the session's. @internal */
interface Settings {
  readonly timeouts: ResolvedTimeouts;
  readonly retry: RetryPolicy | undefined;
  readonly raiseForStatus: boolean;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  readonly followRedirects: boolean;
  readonly allowInsecure: boolean;
}

/** What counts as "the session's options changed for this request". */
const SETTING_KEYS = [
  'timeout',
  'retry',
  'raiseForStatus',
  'maxResponseBytes',
  'maxRedirects',
  'allowRedirects',
  'allowInsecureRedirects',
] as const;

const SESSION_KEYS = new Set([
  'baseUrl',
  'headers',
  'params',
  'limit',
  'limitPerHost',
  'timeout',
  'retry',
  'rateLimit',
  'raiseForStatus',
  'maxResponseBytes',
  'maxRedirects',
  'allowInsecureRedirects',
  'keepAliveTimeout',
  'auth',
  'cookieJar',
]);

const REQUEST_KEYS = new Set([
  'headers',
  'params',
  'body',
  'json',
  'form',
  'timeout',
  'retry',
  'raiseForStatus',
  'maxResponseBytes',
  'maxRedirects',
  'allowRedirects',
  'allowInsecureRedirects',
  'auth',
  'signal',
]);

const DEFAULT_HEADERS: Readonly<Record<string, string>> = {
  accept: '*/*',
  'accept-encoding': 'gzip, deflate, br',
  'user-agent': 'asyncio-ts',
};

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
 * ```ts
 * import { gather, run } from 'asyncio-ts';
 * import { ClientSession } from 'asyncio-ts/http';
 *
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
  private readonly baseUrl: URL | undefined;
  /** @internal lower-case names, null prototype; shared by requests that add no headers. */
  private readonly headers: Record<string, string>;
  /** @internal */
  private readonly params: Array<[string, string]>;
  /** @internal */
  private readonly defaults: Settings;
  /** @internal `limit` (undefined: none). */
  private readonly semaphore: Semaphore | undefined;
  /** @internal `limitPerHost` (0: none). */
  private readonly limitPerHost: number;
  /** @internal the session-wide rate limiter. */
  private readonly limiter: RateLimiter | undefined;
  /** @internal set when each origin gets its own limiter. */
  private readonly hostRate: { rate: number; perMs: number } | undefined;
  /** @internal */
  private readonly poolSettings: PoolSettings;
  /** @internal see `targetFor`. */
  private lastInput: string | undefined = undefined;
  /** @internal */
  private lastTarget: Target | undefined = undefined;
  /** @internal aborts the waits of requests queued for a permit or a token when the session closes. */
  private closeController: AbortController | undefined = undefined;
  /** @internal the `Authorization` value of the session's credentials. */
  private readonly authorization: string | undefined;
  /** @internal the origin the session's credentials go to (undefined: every origin). */
  private readonly authOrigin: string | undefined;
  /** @internal `headers` plus the session's `Authorization`. */
  private readonly authHeaders: Record<string, string>;
  /** @internal undefined when `cookieJar: false`. */
  private readonly cookies: SessionCookies | undefined;

  constructor(options?: ClientSessionOptions) {
    const where = 'ClientSession';
    checkOptions(options, where);
    const given = options ?? {};
    for (const key of Object.keys(given)) {
      if (!SESSION_KEYS.has(key)) throw new TypeError(`${where}: unknown option '${key}'`);
    }
    let authorization: string | undefined;
    if (given.baseUrl !== undefined) {
      this.baseUrl = parseUrl(given.baseUrl, undefined, 'options.baseUrl', where);
      // Relative URLs would inherit userinfo from the base: it becomes the session's credentials instead.
      authorization = targetOf(this.baseUrl).authorization;
      this.authOrigin = this.baseUrl.origin;
    }
    if (given.auth !== undefined) {
      if (authorization !== undefined) {
        throw new TypeError(
          `${where}: pass credentials either in options.baseUrl or in options.auth, not both`,
        );
      }
      authorization = authorizationOf(given.auth, 'options.auth', where);
    }
    const extra = normalizeHeaders(given.headers, `${where} (options.headers)`, true);
    if (authorization !== undefined && typeof extra.authorization === 'string') {
      throw new TypeError(
        `${where}: pass either options.auth (or URL credentials) or an Authorization header, not both`,
      );
    }
    this.headers = mergeHeaders(Object.assign(Object.create(null), DEFAULT_HEADERS), extra);
    this.authorization = authorization;
    this.authHeaders =
      authorization === undefined ? this.headers : mergeHeaders(this.headers, { authorization });
    const cookieJar = given.cookieJar;
    if (cookieJar !== undefined && cookieJar !== false && !isCookieJar(cookieJar)) {
      throw new TypeError(
        `${where}: options.cookieJar must be false or a cookie jar (getCookieStringSync, setCookieSync), received ${describe(cookieJar)}`,
      );
    }
    this.cookies = cookieJar === false ? undefined : new SessionCookies(cookieJar);
    this.params = given.params === undefined ? [] : paramPairs(given.params, `${where} (options.params)`);
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
    this.defaults = resolveSettings(
      given,
      {
        timeouts: DEFAULT_TIMEOUTS,
        retry: undefined,
        raiseForStatus: false,
        maxBytes: Number.POSITIVE_INFINITY,
        maxRedirects: 10,
        followRedirects: true,
        allowInsecure: false,
      },
      where,
    );
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
      for (const key of Object.keys(options)) {
        if (!REQUEST_KEYS.has(key)) throw new TypeError(`${where}: unknown option '${key}'`);
      }
      signal = options.signal;
      checkSignal(signal, where);
    }
    const hop = this.prepare(where, method, url, options);
    const settings = options === undefined ? this.defaults : resolveSettings(options, this.defaults, where);
    if (this.state !== 'open') return Promise.reject(this.closedError());
    const scope = storage.getStore();
    if (scope !== undefined && scope.cancelReason !== undefined) return Promise.reject(scope.cancelReason);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (settings.retry === undefined)
      return this.follow(hop, settings, scope, signal, settings.raiseForStatus);
    return this.withRetry(hop, settings, scope, signal);
  }

  /** @internal the first hop: URL, headers and body. */
  private prepare(
    where: string,
    method: string,
    input: string | URL,
    options: RequestOptions | undefined,
  ): Hop {
    const requestParams =
      options?.params === undefined ? undefined : paramPairs(options.params, `${where} (options.params)`);
    const target = this.targetFor(input, requestParams, where);
    let authorization = target.authorization;
    if (options?.auth !== undefined) {
      const own = authorizationOf(options.auth, 'options.auth', where);
      if (authorization !== undefined) {
        throw new TypeError(`${where}: pass credentials either in the URL or in options.auth, not both`);
      }
      authorization = own;
    }
    const explicit = authorization !== undefined;
    const sessionAuth =
      !explicit &&
      this.authorization !== undefined &&
      (this.authOrigin === undefined || this.authOrigin === target.origin);
    const base = sessionAuth ? this.authHeaders : this.headers;
    if (options === undefined) {
      return makeHop(
        target,
        method,
        explicit ? mergeHeaders(base, { authorization: authorization as string }) : base,
        null,
        true,
      );
    }
    let headers = base;
    if (options.headers !== undefined) {
      const extra = normalizeHeaders(options.headers, `${where} (options.headers)`, true);
      if (explicit && typeof extra.authorization === 'string') {
        throw new TypeError(
          `${where}: pass either options.auth (or URL credentials) or an Authorization header, not both`,
        );
      }
      headers = mergeHeaders(headers, extra);
    }
    if (explicit) headers = mergeHeaders(headers, { authorization: authorization as string });
    const { body, contentType, replayable } = encodeBody(options, where);
    if (contentType !== undefined && headers['content-type'] === undefined) {
      headers = mergeHeaders(headers, { 'content-type': contentType });
    }
    return makeHop(target, method, headers, body, replayable);
  }

  /**
   * @internal the parsed URL. The last string URL without parameters is remembered: a loop that requests
   * the same URL (polling, a benchmark) parses it once; any other URL costs one string comparison.
   */
  private targetFor(
    input: string | URL,
    requestParams: Array<[string, string]> | undefined,
    where: string,
  ): Target {
    const cacheable = typeof input === 'string' && requestParams === undefined && this.params.length === 0;
    if (cacheable && this.lastTarget !== undefined && this.lastInput === input) return this.lastTarget;
    const url = parseUrl(input, this.baseUrl, 'url', where);
    applyParams(url, this.params, requestParams);
    const target = targetOf(url);
    if (cacheable) {
      this.lastInput = input as string;
      this.lastTarget = target;
    }
    return target;
  }

  /** @internal attempts with backoff. A cancelled request is never retried (the cancellation propagates). */
  private async withRetry(
    hop: Hop,
    settings: Settings,
    scope: CancelScope | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ClientResponse> {
    const policy = settings.retry as RetryPolicy;
    const retryable = hop.replayable && policy.methods.has(hop.method);
    for (let attempt = 1; ; attempt++) {
      const last = !retryable || attempt >= policy.attempts;
      let response: ClientResponse;
      try {
        response = await this.follow(hop, settings, scope, signal, false);
      } catch (err) {
        if (last || !isRetryableError(err)) throw err;
        await sleep(backoffDelay(policy, attempt), undefined, { signal: this.waitSignal(signal) });
        continue;
      }
      if (last || !policy.statuses.has(response.status)) return finish(response, settings.raiseForStatus);
      const backoff = backoffDelay(policy, attempt);
      const retryAfter = parseRetryAfter(response.headerValue('retry-after'));
      // A server that asks for longer than we are willing to wait gets its answer returned as it is.
      if (retryAfter !== undefined && retryAfter > policy.maxMs)
        return finish(response, settings.raiseForStatus);
      response.release();
      await sleep(Math.max(backoff, retryAfter ?? 0), undefined, { signal: this.waitSignal(signal) });
    }
  }

  /** @internal one attempt: the hops of its redirects, then `raiseForStatus` if `raise`. */
  private async follow(
    first: Hop,
    settings: Settings,
    scope: CancelScope | undefined,
    signal: AbortSignal | undefined,
    raise: boolean,
  ): Promise<ClientResponse> {
    let hop = first;
    let history: RedirectHop[] | undefined;
    let response: ClientResponse;
    const cookies = this.cookies;
    for (;;) {
      response = await this.send(
        cookies === undefined ? hop : cookies.withCookies(hop),
        settings,
        scope,
        signal,
      );
      if (cookies !== undefined) cookies.store(response.rawHeader('set-cookie'), hop.href);
      const status = response.status;
      if (!settings.followRedirects || !isRedirectStatus(status)) break;
      const location = response.headerValue('location');
      if (location === undefined) break;
      history ??= [];
      if (history.length >= settings.maxRedirects) {
        response.release();
        throw new TooManyRedirects(settings.maxRedirects, [...history.map((h) => h.url), hop.href]);
      }
      let next: Hop | undefined;
      try {
        next = nextHop(hop, status, location, settings.allowInsecure);
      } catch (err) {
        response.release();
        throw err;
      }
      if (next === undefined) break;
      response.release();
      history.push({ status, url: hop.href, headers: response.headers });
      hop = next;
    }
    if (history !== undefined) response.redirectHistory = history;
    // The caller's task owns the response from here: its end releases a body left on the wire.
    response.adoptBy(scope?.task);
    return raise ? finish(response, true) : response;
  }

  /** @internal one hop on the wire: permits (host, then session), a rate token, then the exchange. */
  private send(
    hop: Hop,
    settings: Settings,
    scope: CancelScope | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ClientResponse> {
    const host = this.hostFor(hop.origin);
    const hostSemaphore = host.semaphore;
    const sessionSemaphore = this.semaphore;
    const limiter = host.limiter ?? this.limiter;
    const hostPermit = hostSemaphore?.tryAcquire();
    if (hostSemaphore === undefined || hostPermit !== undefined) {
      const sessionPermit = sessionSemaphore?.tryAcquire();
      if (sessionSemaphore === undefined || sessionPermit !== undefined) {
        if (limiter === undefined || limiter.tryAcquire()) {
          return this.startExchange(hop, host, settings, scope, signal, hostPermit, sessionPermit);
        }
        return this.sendAfterWaiting(hop, host, settings, scope, signal, hostPermit, sessionPermit, true);
      }
      return this.sendAfterWaiting(hop, host, settings, scope, signal, hostPermit, undefined, false);
    }
    return this.sendAfterWaiting(hop, host, settings, scope, signal, undefined, undefined, false);
  }

  /** @internal the contended path: wait (a checkpoint each) for what `send` could not take at once. */
  private async sendAfterWaiting(
    hop: Hop,
    host: HostPool,
    settings: Settings,
    scope: CancelScope | undefined,
    signal: AbortSignal | undefined,
    hostPermit: Permit | undefined,
    sessionPermit: Permit | undefined,
    needToken: boolean,
  ): Promise<ClientResponse> {
    const waitOptions = { signal: this.waitSignal(signal) };
    try {
      if (host.semaphore !== undefined && hostPermit === undefined)
        hostPermit = await host.semaphore.acquire(waitOptions);
      if (this.semaphore !== undefined && sessionPermit === undefined) {
        sessionPermit = await this.semaphore.acquire(waitOptions);
      }
      const limiter = host.limiter ?? this.limiter;
      if (limiter !== undefined && (needToken || !limiter.tryAcquire())) await limiter.acquire(waitOptions);
      if (this.state !== 'open') throw this.closedError();
    } catch (err) {
      sessionPermit?.release();
      hostPermit?.release();
      throw err;
    }
    return this.startExchange(hop, host, settings, scope, signal, hostPermit, sessionPermit);
  }

  /** @internal */
  private startExchange(
    hop: Hop,
    host: HostPool,
    settings: Settings,
    scope: CancelScope | undefined,
    signal: AbortSignal | undefined,
    hostPermit: Permit | undefined,
    sessionPermit: Permit | undefined,
  ): Promise<ClientResponse> {
    const exchange = new Exchange(
      this,
      host,
      hop,
      clockOf(scope),
      settings.timeouts,
      settings.maxBytes,
      hostPermit,
      sessionPermit,
    );
    return exchange.start(hop, scope, signal);
  }

  /** @internal */
  private hostFor(origin: string): HostPool {
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
  private waitSignal(signal: AbortSignal | undefined): AbortSignal {
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
  private closedError(): InvalidStateError {
    return new InvalidStateError('ClientSession is closed');
  }
}

function noop(): void {}

/** The response, or `HttpStatusError` (after releasing it) when `raise` and its status is 400 or more. */
function finish(response: ClientResponse, raise: boolean): ClientResponse {
  if (raise && response.status >= 400) {
    response.release();
    throw new HttpStatusError(response.status, response.statusText, response.method, response.url);
  }
  return response;
}

function checkPositive(value: unknown, name: string, where: string): void {
  if (typeof value !== 'number')
    throw new TypeError(`${where}: ${name} must be a number, received ${describe(value)}`);
  if (!(value > 0)) throw new RangeError(`${where}: ${name} must be > 0, received ${value}`);
}

/** An absolute http(s) URL from `input` (resolved against `base`); a fresh object, so params can be added. */
function parseUrl(input: unknown, base: URL | undefined, name: string, where: string): URL {
  let url: URL;
  if (typeof input === 'string') {
    try {
      url = base === undefined ? new URL(input) : new URL(input, base);
    } catch {
      throw new TypeError(
        `${where}: ${name} must be an absolute URL${base === undefined ? '' : ' or one relative to baseUrl'}, received ${describe(typeof input === 'string' ? redactUrl(input) : input)}`,
      );
    }
  } else if (input instanceof URL) {
    url = new URL(input.href);
  } else {
    throw new TypeError(`${where}: ${name} must be a string or a URL, received ${describe(input)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(
      `${where}: ${name} must be an http: or https: URL, received ${describe(redactUrl(url.href))}`,
    );
  }
  return url;
}

/** Merges a request's (or the session's) behaviour options over `base`; `base` itself when none is given. */
function resolveSettings(options: object, base: Settings, where: string): Settings {
  const given = options as Record<string, unknown>;
  let any = false;
  for (const key of SETTING_KEYS) {
    if (given[key] !== undefined) {
      any = true;
      break;
    }
  }
  if (!any) return base;
  const retry = given.retry === undefined ? base.retry : resolveRetry(given.retry, where);
  let maxBytes = base.maxBytes;
  if (given.maxResponseBytes !== undefined) {
    if (given.maxResponseBytes === null) maxBytes = Number.POSITIVE_INFINITY;
    else {
      checkInteger(given.maxResponseBytes, 'options.maxResponseBytes', where, 0);
      maxBytes = given.maxResponseBytes as number;
    }
  }
  let maxRedirects = base.maxRedirects;
  if (given.maxRedirects !== undefined) {
    checkInteger(given.maxRedirects, 'options.maxRedirects', where, 0);
    maxRedirects = given.maxRedirects as number;
  }
  return {
    timeouts: resolveTimeouts(given.timeout, base.timeouts, where),
    retry,
    raiseForStatus: flag(given.raiseForStatus, base.raiseForStatus, 'options.raiseForStatus', where),
    maxBytes,
    maxRedirects,
    followRedirects: flag(given.allowRedirects, base.followRedirects, 'options.allowRedirects', where),
    allowInsecure: flag(
      given.allowInsecureRedirects,
      base.allowInsecure,
      'options.allowInsecureRedirects',
      where,
    ),
  };
}

function flag(value: unknown, fallback: boolean, name: string, where: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new TypeError(`${where}: ${name} must be a boolean, received ${describe(value)}`);
  return value;
}
