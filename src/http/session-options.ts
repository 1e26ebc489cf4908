/**
 * The options of `ClientSession` and of its requests in one table: which keys each accepts, which of them
 * are per-request settings (merged over the session's), how each is checked and resolved, and the defaults.
 * A new option changes this file (and the interface that documents it), nothing else.
 * @module
 */
import { checkInteger, describe } from '../core/validate.js';
import type { RateLimiter } from '../sync/rate-limiter.js';
import type { CookieJarLike } from './cookies.js';
import { type BasicAuth, redactUrl } from './credentials.js';
import type { HeadersInput, Params, RequestOptions } from './request-options.js';
import { type RetryOptions, type RetryPolicy, resolveRetry } from './retry.js';
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
 * declare const token: string;
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
export interface Settings {
  readonly timeouts: ResolvedTimeouts;
  readonly retry: RetryPolicy | undefined;
  readonly raiseForStatus: boolean;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  readonly followRedirects: boolean;
  readonly allowInsecure: boolean;
}

type MutableSettings = { -readonly [K in keyof Settings]: Settings[K] };

/** How a setting option turns into its field of {@link Settings} (`value` is never undefined here). */
type Resolve = (value: unknown, into: MutableSettings, where: string) => void;

/** Where an option may be given, and for a per-request setting how it resolves. */
interface OptionSpec {
  readonly session: boolean;
  readonly request: boolean;
  readonly setting?: Resolve;
}

const SESSION: OptionSpec = { session: true, request: false };
const REQUEST: OptionSpec = { session: false, request: true };
const BOTH: OptionSpec = { session: true, request: true };
const setting = (resolve: Resolve, session = true): OptionSpec => ({
  session,
  request: true,
  setting: resolve,
});

/** Every option of a session or a request. @internal */
export const OPTIONS: Readonly<Record<keyof ClientSessionOptions | keyof RequestOptions, OptionSpec>> = {
  baseUrl: SESSION,
  limit: SESSION,
  limitPerHost: SESSION,
  rateLimit: SESSION,
  keepAliveTimeout: SESSION,
  cookieJar: SESSION,
  headers: BOTH,
  params: BOTH,
  auth: BOTH,
  body: REQUEST,
  json: REQUEST,
  form: REQUEST,
  signal: REQUEST,
  timeout: setting((value, into, where) => {
    into.timeouts = resolveTimeouts(value, into.timeouts, where);
  }),
  retry: setting((value, into, where) => {
    into.retry = resolveRetry(value, where);
  }),
  raiseForStatus: setting((value, into, where) => {
    into.raiseForStatus = flag(value, 'options.raiseForStatus', where);
  }),
  maxResponseBytes: setting((value, into, where) => {
    if (value === null) into.maxBytes = Number.POSITIVE_INFINITY;
    else {
      checkInteger(value, 'options.maxResponseBytes', where, 0);
      into.maxBytes = value as number;
    }
  }),
  maxRedirects: setting((value, into, where) => {
    checkInteger(value, 'options.maxRedirects', where, 0);
    into.maxRedirects = value as number;
  }),
  allowRedirects: setting((value, into, where) => {
    into.followRedirects = flag(value, 'options.allowRedirects', where);
  }, false),
  allowInsecureRedirects: setting((value, into, where) => {
    into.allowInsecure = flag(value, 'options.allowInsecureRedirects', where);
  }),
};

const keysWhere = (test: (spec: OptionSpec) => boolean): ReadonlySet<string> =>
  new Set(Object.keys(OPTIONS).filter((key) => test(OPTIONS[key as keyof typeof OPTIONS])));

/** @internal */
export const SESSION_KEYS: ReadonlySet<string> = keysWhere((spec) => spec.session);
/** @internal */
export const REQUEST_KEYS: ReadonlySet<string> = keysWhere((spec) => spec.request);
/** The per-request settings, with their resolvers. */
const SETTINGS: ReadonlyArray<readonly [string, Resolve]> = Object.entries(OPTIONS).flatMap(([key, spec]) =>
  spec.setting === undefined ? [] : [[key, spec.setting] as const],
);

/** The settings of a session given none. @internal */
export const DEFAULT_SETTINGS: Settings = Object.freeze({
  timeouts: DEFAULT_TIMEOUTS,
  retry: undefined,
  raiseForStatus: false,
  maxBytes: Number.POSITIVE_INFINITY,
  maxRedirects: 10,
  followRedirects: true,
  allowInsecure: false,
});

/** Headers every session sends unless told otherwise. @internal */
export const DEFAULT_HEADERS: Readonly<Record<string, string>> = {
  accept: '*/*',
  'accept-encoding': 'gzip, deflate, br',
  'user-agent': 'asyncio-ts',
};

/** Throws a `TypeError` naming the first key of `options` that is not in `keys`. @internal */
export function checkKeys(options: object, keys: ReadonlySet<string>, where: string): void {
  for (const key of Object.keys(options)) {
    if (!keys.has(key)) throw new TypeError(`${where}: unknown option '${key}'`);
  }
}

/**
 * Merges a request's (or the session's) setting options over `base`; `base` itself when none is given (the
 * common case costs one property read per setting). @internal
 */
export function resolveSettings(options: object, base: Settings, where: string): Settings {
  const given = options as Record<string, unknown>;
  let merged: MutableSettings | undefined;
  for (const [key, resolve] of SETTINGS) {
    const value = given[key];
    if (value === undefined) continue;
    merged ??= { ...base };
    resolve(value, merged, where);
  }
  return merged ?? base;
}

function flag(value: unknown, name: string, where: string): boolean {
  if (typeof value !== 'boolean')
    throw new TypeError(`${where}: ${name} must be a boolean, received ${describe(value)}`);
  return value;
}

/** @internal */
export function checkPositive(value: unknown, name: string, where: string): void {
  if (typeof value !== 'number')
    throw new TypeError(`${where}: ${name} must be a number, received ${describe(value)}`);
  if (!(value > 0)) throw new RangeError(`${where}: ${name} must be > 0, received ${value}`);
}

/** @internal An absolute http(s) URL from `input` (resolved against `base`); a fresh object, so params can be added. */
export function parseUrl(input: unknown, base: URL | undefined, name: string, where: string): URL {
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
