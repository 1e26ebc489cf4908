/**
 * Following a redirect: the next request's URL, method and body (303, and 301/302 after a POST, become a
 * GET without a body, as browsers and aiohttp do), and the credential headers that never travel to another
 * origin (`Authorization`, `Cookie`, `Proxy-Authorization`: scheme, host or port differs).
 * @module
 */
import { redactUrl } from './credentials.js';
import { InvalidRedirectError } from './errors.js';
import { type Hop, makeHop, targetOf } from './request-options.js';

/** Statuses that carry a `Location` to follow. @internal */
export function isRedirectStatus(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Headers removed when a redirect crosses to another origin (aiohttp drops the same three). */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'] as const;

/** Headers that describe a request body, dropped with the body when a redirect turns into a GET. */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'transfer-encoding',
];

/**
 * The hop that follows `hop` after a `status` response with `location`, or `undefined` when it cannot be
 * followed (a 307/308 whose body cannot be sent twice: the caller gets the redirect response itself).
 * Throws {@link InvalidRedirectError} for a target that is not http(s), or for an https → http downgrade
 * unless `allowInsecure`. @internal
 */
export function nextHop(hop: Hop, status: number, location: string, allowInsecure: boolean): Hop | undefined {
  let target: URL;
  try {
    target = new URL(location, hop.url);
  } catch {
    const shown = redactUrl(location);
    throw new InvalidRedirectError(`Redirect from ${hop.href} to an invalid URL: ${shown}`, shown);
  }
  // Userinfo in a Location is used for that hop as Basic auth (as aiohttp does) and never kept in a URL.
  const next = targetOf(target);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new InvalidRedirectError(
      `Redirect from ${hop.href} to a non-HTTP URL refused: ${redactUrl(target.href)}`,
      redactUrl(target.href),
    );
  }
  if (hop.url.protocol === 'https:' && target.protocol === 'http:' && !allowInsecure) {
    throw new InvalidRedirectError(
      `Redirect from https to http refused (${hop.href} → ${target.href}); pass allowInsecureRedirects: true to follow it`,
      target.href,
    );
  }
  let method = hop.method;
  let body = hop.body;
  let headers = hop.headers;
  const toGet =
    (status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST');
  if (toGet) {
    method = 'GET';
    body = null;
    headers = without(headers, BODY_HEADERS);
  } else if (body !== null && !hop.replayable) {
    return undefined;
  }
  if (target.origin !== hop.origin) headers = without(headers, CREDENTIAL_HEADERS);
  if (next.authorization !== undefined) {
    headers = Object.assign(Object.create(null) as Record<string, string>, headers);
    headers.authorization = next.authorization;
  }
  return makeHop(next, method, headers, body, hop.replayable);
}

/** A copy of `headers` without `names` (lower case), or `headers` itself when none is present. */
function without(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  let copy: Record<string, string> | undefined;
  for (const name of names) {
    if (name in headers) {
      copy ??= { ...headers };
      delete copy[name];
    }
  }
  return copy ?? headers;
}
