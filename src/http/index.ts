/**
 * `asyncio-ts/http`: aiohttp's ClientSession on undici. Pooled keep-alive connections, `limit`/`limitPerHost`
 * and `rateLimit` on the library's own semaphore and rate limiter, timeouts by phase, retries with backoff,
 * safe redirects, decoded bodies, and requests that stop when their task is cancelled.
 * @module
 */
export { ClientResponse, type RedirectHop } from './client-response.js';
export { ClientSession, type ClientSessionOptions, type RateLimitOptions } from './client-session.js';
export type { CookieJarLike } from './cookies.js';
export type { BasicAuth } from './credentials.js';
export {
  ClientConnectionError,
  ClientPayloadError,
  ClientTimeoutError,
  HttpStatusError,
  InvalidRedirectError,
  ServerDisconnectedError,
  type TimeoutPhase,
  TooManyRedirects,
} from './errors.js';
export type {
  FormInput,
  HeadersInput,
  Params,
  ParamValue,
  RequestBody,
  RequestOptions,
} from './request-options.js';
export type { RetryOptions } from './retry.js';
export type { ClientTimeout } from './timeouts.js';
