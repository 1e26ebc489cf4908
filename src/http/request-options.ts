/**
 * What a request is made of before it goes on the wire: the URL (base URL, query parameters), the header
 * set (session defaults overridden per request, names lower-cased) and the body (`body`, `json` or `form`).
 * @module
 */
import { describe } from '../core/validate.js';
import { type BasicAuth, takeCredentials } from './credentials.js';
import type { RetryOptions } from './retry.js';
import type { ClientTimeout } from './timeouts.js';

/**
 * One query-parameter value; `null`/`undefined` leave the parameter out, an array repeats it.
 *
 * @example
 * ```ts
 * const page: ParamValue = 2;
 * ```
 */
export type ParamValue = string | number | boolean | null | undefined;

/**
 * Query parameters: a record (arrays repeat a key), `URLSearchParams`, or `[name, value]` pairs.
 *
 * @example
 * ```ts
 * const params: Params = { q: 'asyncio', tag: ['a', 'b'], page: 2 }; // ?q=asyncio&tag=a&tag=b&page=2
 * ```
 */
export type Params =
  | Readonly<Record<string, ParamValue | readonly ParamValue[]>>
  | URLSearchParams
  | Iterable<readonly [string, string]>;

/**
 * Request headers: a record, a `Headers`, or `[name, value]` pairs. Names are case-insensitive; `null`
 * removes a header the session would otherwise send.
 *
 * @example
 * ```ts
 * declare const token: string;
 * const headers: HeadersInput = { Authorization: `Bearer ${token}`, 'user-agent': null };
 * ```
 */
export type HeadersInput =
  | Readonly<Record<string, string | number | readonly string[] | null | undefined>>
  | Headers
  | Iterable<readonly [string, string]>;

/**
 * A request body: a string, bytes, a `Blob`, or an async iterable of chunks (a Node stream counts; it can be
 * sent only once, so such a request is neither retried nor redirected with its body).
 *
 * @example
 * ```ts
 * declare const session: ClientSession;
 * import { createReadStream } from 'node:fs';
 * await session.put('/upload', { body: createReadStream('big.bin') });
 * ```
 */
export type RequestBody = string | Uint8Array | ArrayBuffer | Blob | AsyncIterable<Uint8Array | string>;

/**
 * A form for `form:`: fields (arrays repeat a name), `URLSearchParams`, or a `FormData` (sent as multipart).
 *
 * @example
 * ```ts
 * declare const session: ClientSession;
 * declare const password: string;
 * await session.post('/login', { form: { user: 'ada', password } });
 * ```
 */
export type FormInput =
  | Readonly<Record<string, ParamValue | readonly ParamValue[]>>
  | URLSearchParams
  | FormData;

/**
 * Options of one request; each overrides the session's option of the same name.
 *
 * @example
 * ```ts
 * declare const session: ClientSession;
 * declare const token: string;
 * const res = await session.post('/anything', {
 *   params: { page: 2 },
 *   headers: { authorization: `Bearer ${token}` },
 *   json: { name: 'asyncio-ts' },
 *   timeout: { total: 5_000 },
 * });
 * ```
 */
export interface RequestOptions {
  /** Extra headers, merged over the session's (`null` removes one of the session's). */
  headers?: HeadersInput;
  /** Query parameters, appended to the URL's own after the session's (a key given here replaces the session's). */
  params?: Params;
  /** The body as is. Content type `text/plain; charset=utf-8` for a string, `application/octet-stream` for bytes, unless set. */
  body?: RequestBody;
  /** A value sent as JSON (`application/json`). */
  json?: unknown;
  /** A form: URL-encoded (`application/x-www-form-urlencoded`), or multipart for a `FormData`. */
  form?: FormInput;
  /** Timeouts for this request, field by field over the session's. */
  timeout?: ClientTimeout;
  /** Retry policy for this request (`false` turns the session's off). */
  retry?: RetryOptions | boolean;
  /** Throw {@link HttpStatusError} for a status >= 400 (the response is released). */
  raiseForStatus?: boolean;
  /** The most bytes of body, counted after decompression; more fails the read with `ClientPayloadError`. `null`: no limit. */
  maxResponseBytes?: number | null;
  /** Redirects followed at most; one more is `TooManyRedirects`. */
  maxRedirects?: number;
  /** Follow redirects at all (default true); when false, a 3xx response is returned as it is. */
  allowRedirects?: boolean;
  /** Follow an https → http redirect instead of throwing `InvalidRedirectError` (default false). */
  allowInsecureRedirects?: boolean;
  /**
   * HTTP Basic credentials for this request (over the session's). Credentials in the URL itself are used
   * the same way and removed from it; giving both is a `TypeError`.
   */
  auth?: BasicAuth;
  /** Aborts the request (and the reading of its body) with `signal.reason`. */
  signal?: AbortSignal;
}

/** The body as it goes to undici: everything but `FormData` is sent as is. @internal */
export type WireBody = string | Uint8Array | Blob | FormData | AsyncIterable<Uint8Array | string>;

/** A parsed request URL with the strings the hot path needs, computed once. @internal */
export interface Target {
  readonly url: URL;
  readonly href: string;
  readonly origin: string;
  /** Path and query, as sent on the request line. */
  readonly path: string;
  /** The `Authorization` value made of the URL's userinfo, which is no longer in `url` or `href`. */
  readonly authorization: string | undefined;
}

/**
 * The {@link Target} of `url` (which must not be changed afterwards: targets may be cached). Userinfo is
 * taken out of `url` here, the one place every request and redirect URL passes through. @internal
 */
export function targetOf(url: URL): Target {
  const authorization = takeCredentials(url);
  return { url, href: url.href, origin: url.origin, path: url.pathname + url.search, authorization };
}

/**
 * A hop from its parts. Written out field by field: an object spread (`{ ...target, method }`) here made V8
 * allocate in a way that survived into the old generation (measured: major GCs under load). @internal
 */
export function makeHop(
  target: Target,
  method: string,
  headers: Record<string, string>,
  body: WireBody | null,
  replayable: boolean,
): Hop {
  return {
    url: target.url,
    href: target.href,
    origin: target.origin,
    path: target.path,
    authorization: target.authorization,
    method,
    headers,
    body,
    replayable,
  };
}

/** One request on the wire: a redirect makes a new hop. @internal */
export interface Hop extends Target {
  readonly method: string;
  /** Lower-case names; a null-prototype record shared, never mutated once built. */
  readonly headers: Record<string, string>;
  readonly body: WireBody | null;
  /** False for a one-shot body (an async iterable): it cannot be retried or sent on a 307/308. */
  readonly replayable: boolean;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A null-prototype copy of a header input with lower-case names. `null` values are kept (as `null`) when `keepNulls`. @internal */
export function normalizeHeaders(
  input: unknown,
  where: string,
  keepNulls: boolean,
): Record<string, string | null> {
  const out: Record<string, string | null> = Object.create(null);
  if (input === undefined) return out;
  const add = (name: unknown, value: unknown): void => {
    if (typeof name !== 'string' || !TOKEN.test(name)) {
      throw new TypeError(`${where}: header name must be an HTTP token, received ${describe(name)}`);
    }
    const key = name.toLowerCase();
    if (value === null || value === undefined) {
      if (keepNulls) out[key] = null;
      else delete out[key];
      return;
    }
    const values = Array.isArray(value) ? value : [value];
    for (const one of values) {
      if (typeof one !== 'string' && typeof one !== 'number') {
        throw new TypeError(`${where}: header '${name}' must be a string, received ${describe(one)}`);
      }
      const text = String(one);
      if (/[\r\n\0]/.test(text)) {
        throw new TypeError(`${where}: header '${name}' must not contain CR, LF or NUL characters`);
      }
      const previous = out[key];
      out[key] =
        previous === undefined || previous === null
          ? text
          : `${previous}${key === 'cookie' ? '; ' : ', '}${text}`;
    }
  };
  if (input instanceof Headers) {
    for (const [name, value] of input) add(name, value);
  } else if (isPairs(input)) {
    for (const pair of input) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError(
          `${where}: headers entries must be [name, value] pairs, received ${describe(pair)}`,
        );
      }
      add(pair[0], pair[1]);
    }
  } else if (typeof input === 'object' && input !== null) {
    for (const name of Object.keys(input)) add(name, (input as Record<string, unknown>)[name]);
  } else {
    throw new TypeError(
      `${where}: headers must be an object, a Headers or [name, value] pairs, received ${describe(input)}`,
    );
  }
  return out;
}

/** `base` overridden by `extra` (already normalized); `null` in `extra` removes. Returns `base` if `extra` is empty. @internal */
export function mergeHeaders(
  base: Record<string, string>,
  extra: Record<string, string | null>,
): Record<string, string> {
  let merged: Record<string, string> | undefined;
  for (const name in extra) {
    merged ??= Object.assign(Object.create(null) as Record<string, string>, base);
    const value = extra[name];
    if (value === null || value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return merged ?? base;
}

/** `[name, value]` pairs of query parameters, checked. @internal */
export function paramPairs(input: unknown, where: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (name: string, value: unknown): void => {
    if (value === null || value === undefined) return;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new TypeError(
        `${where}: parameter '${name}' must be a string, number or boolean, received ${describe(value)}`,
      );
    }
    out.push([name, String(value)]);
  };
  if (input instanceof URLSearchParams) {
    for (const [name, value] of input) out.push([name, value]);
  } else if (isPairs(input)) {
    for (const pair of input) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
        throw new TypeError(
          `${where}: params entries must be [name, value] pairs, received ${describe(pair)}`,
        );
      }
      add(pair[0], pair[1]);
    }
  } else if (typeof input === 'object' && input !== null) {
    for (const name of Object.keys(input)) {
      const value = (input as Record<string, unknown>)[name];
      if (Array.isArray(value)) for (const one of value) add(name, one);
      else add(name, value);
    }
  } else {
    throw new TypeError(
      `${where}: params must be an object, URLSearchParams or [name, value] pairs, received ${describe(input)}`,
    );
  }
  return out;
}

/** Appends the session's and the request's parameters to `url`'s query (request keys replace session keys). @internal */
export function applyParams(
  url: URL,
  sessionParams: ReadonlyArray<[string, string]>,
  requestParams: ReadonlyArray<[string, string]> | undefined,
): void {
  if (sessionParams.length === 0 && requestParams === undefined) return;
  const search = url.searchParams;
  const overridden = requestParams === undefined ? undefined : new Set(requestParams.map((p) => p[0]));
  for (const [name, value] of sessionParams) if (overridden?.has(name) !== true) search.append(name, value);
  if (requestParams !== undefined) for (const [name, value] of requestParams) search.append(name, value);
}

/** Arrays, Maps and other iterables of pairs (a plain object, `Headers` or `URLSearchParams` is not). */
function isPairs(input: unknown): input is Iterable<unknown> {
  if (typeof input !== 'object' || input === null) return false;
  if (Array.isArray(input)) return true;
  if (input instanceof Headers || input instanceof URLSearchParams) return false;
  const proto: unknown = Object.getPrototypeOf(input);
  if (proto === Object.prototype || proto === null) return false;
  return typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function';
}

/** The body of a request and its default content type, from `body`, `json` or `form` (at most one). @internal */
export function encodeBody(
  options: RequestOptions,
  where: string,
): { body: WireBody | null; contentType: string | undefined; replayable: boolean } {
  const { body, json, form } = options;
  const given = (body !== undefined ? 1 : 0) + (json !== undefined ? 1 : 0) + (form !== undefined ? 1 : 0);
  if (given > 1)
    throw new TypeError(`${where}: pass only one of options.body, options.json and options.form`);
  if (json !== undefined) {
    const text = JSON.stringify(json);
    if (text === undefined)
      throw new TypeError(`${where}: options.json is not serialisable, received ${describe(json)}`);
    return { body: text, contentType: 'application/json', replayable: true };
  }
  if (form !== undefined) {
    if (typeof FormData !== 'undefined' && form instanceof FormData) {
      return { body: form, contentType: undefined, replayable: true };
    }
    const search = new URLSearchParams(paramPairs(form, `${where} (options.form)`));
    return { body: search.toString(), contentType: 'application/x-www-form-urlencoded', replayable: true };
  }
  if (body === undefined || body === null) return { body: null, contentType: undefined, replayable: true };
  if (typeof body === 'string') return { body, contentType: 'text/plain; charset=utf-8', replayable: true };
  if (body instanceof Uint8Array) return { body, contentType: 'application/octet-stream', replayable: true };
  if (body instanceof ArrayBuffer) {
    return { body: new Uint8Array(body), contentType: 'application/octet-stream', replayable: true };
  }
  if (typeof Blob !== 'undefined' && body instanceof Blob) {
    return { body, contentType: body.type === '' ? 'application/octet-stream' : body.type, replayable: true };
  }
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    return {
      body: body as AsyncIterable<Uint8Array | string>,
      contentType: 'application/octet-stream',
      replayable: false,
    };
  }
  throw new TypeError(
    `${where}: options.body must be a string, Uint8Array, ArrayBuffer, Blob or async iterable, received ${describe(body)}`,
  );
}
