/**
 * HTTP Basic credentials: from `auth: { username, password }` or from a URL's userinfo
 * (`http://user:pass@host/`), which is taken out of the URL at once, so that no URL the library keeps,
 * prints or throws (response URLs, history, error messages, task names, traces) carries a secret.
 * @module
 */
import { describe } from '../core/validate.js';

/**
 * Credentials for HTTP Basic authentication (aiohttp's `BasicAuth`).
 *
 * @example
 * ```ts
 * const session = new ClientSession({ auth: { username: 'ada', password: process.env.API_PASSWORD ?? '' } });
 * ```
 */
export interface BasicAuth {
  /** The user name; it may not contain a colon (RFC 7617). */
  readonly username: string;
  /** The password (may be empty). */
  readonly password: string;
}

/** The `Authorization` value for `username` and `password` (UTF-8, RFC 7617). @internal */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** The `Authorization` value of an `auth` option, checked. Never echoes the password. @internal */
export function authorizationOf(value: unknown, name: string, where: string): string {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${where}: ${name} must be { username, password }, received ${describeAuth(value)}`);
  }
  const { username, password } = value as { username?: unknown; password?: unknown };
  if (typeof username !== 'string') {
    throw new TypeError(`${where}: ${name}.username must be a string, received ${describe(username)}`);
  }
  if (username.includes(':')) {
    throw new TypeError(`${where}: ${name}.username must not contain ':' (RFC 7617)`);
  }
  if (typeof password !== 'string') {
    throw new TypeError(`${where}: ${name}.password must be a string, received ${typeof password}`);
  }
  return basicAuthorization(username, password);
}

/**
 * Removes the userinfo from `url` (in place) and returns it as an `Authorization` value, or `undefined`
 * when the URL has none. @internal
 */
export function takeCredentials(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  const header = basicAuthorization(decode(url.username), decode(url.password));
  url.username = '';
  url.password = '';
  return header;
}

/** `text` with any `user:password@` of a URL in it replaced by `***@`, for messages. @internal */
export function redactUrl(text: string): string {
  return text.replace(/(\/\/)[^/?#@\s]*@/g, '$1***@');
}

function describeAuth(value: unknown): string {
  return typeof value === 'string' ? 'a string' : describe(value);
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
