/**
 * The session's cookie jar (aiohttp's `CookieJar`) on `tough-cookie`, which implements RFC 6265: domain and
 * host-only matching, paths, expiry, `Secure`, `HttpOnly`, public suffixes. `tough-cookie` is loaded the
 * first time a response sets a cookie, so a session that never sees one (and the core) never loads it.
 * @module
 */
import { createRequire } from 'node:module';
import { type Hop, makeHop } from './request-options.js';

/**
 * What a session needs of a cookie jar: `tough-cookie`'s `CookieJar` (with a synchronous store such as
 * its default `MemoryCookieStore`) fits, so one can be passed in to share cookies between sessions or to
 * persist them (`jar.serializeSync()`).
 *
 * @example
 * ```ts
 * import { CookieJar } from 'tough-cookie';
 * const jar = new CookieJar();
 * await using session = new ClientSession({ cookieJar: jar });
 * ```
 */
export interface CookieJarLike {
  /** The `Cookie` header value for a request to `url` ('' when none applies). */
  getCookieStringSync(url: string): string;
  /** Stores a `Set-Cookie` header value received from `url`. */
  setCookieSync(cookie: string, url: string, options?: { ignoreError?: boolean }): unknown;
}

type ToughCookie = { CookieJar: new () => CookieJarLike };
let toughCookie: ToughCookie | undefined;

/** A new, empty `tough-cookie` jar. @internal */
export function newCookieJar(): CookieJarLike {
  toughCookie ??= createRequire(import.meta.url)('tough-cookie') as ToughCookie;
  return new toughCookie.CookieJar();
}

/** Checks a `cookieJar` option. @internal */
export function isCookieJar(value: unknown): value is CookieJarLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CookieJarLike).getCookieStringSync === 'function' &&
    typeof (value as CookieJarLike).setCookieSync === 'function'
  );
}

/**
 * The session's cookies: the jar it was given, or one of its own made when the first cookie arrives (so a
 * session that never receives one pays nothing per request). @internal
 */
export class SessionCookies {
  private jar: CookieJarLike | undefined;

  constructor(jar: CookieJarLike | undefined) {
    this.jar = jar;
  }

  /**
   * `hop` with the jar's cookies for its URL added to any `Cookie` header set by hand (kept first), or
   * `hop` itself when the jar has none for it. The hop a redirect is computed from stays the one without
   * them, so cookies of one origin are never carried to the next by the redirect code.
   */
  withCookies(hop: Hop): Hop {
    const jar = this.jar;
    if (jar === undefined) return hop;
    const cookies = jar.getCookieStringSync(hop.href);
    if (cookies === '') return hop;
    const headers = Object.assign(Object.create(null) as Record<string, string>, hop.headers);
    const own = headers.cookie;
    headers.cookie = own === undefined ? cookies : `${own}; ${cookies}`;
    return makeHop(hop, hop.method, headers, hop.body, hop.replayable);
  }

  /** Stores the cookies a response from `url` sets; ones RFC 6265 refuses are ignored. */
  store(setCookie: string | string[] | undefined, url: string): void {
    if (setCookie === undefined) return;
    this.jar ??= newCookieJar();
    const jar = this.jar;
    if (typeof setCookie === 'string') jar.setCookieSync(setCookie, url, { ignoreError: true });
    else for (const one of setCookie) jar.setCookieSync(one, url, { ignoreError: true });
  }
}
