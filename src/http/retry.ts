/**
 * Retry policy of a {@link ClientSession}: which failures are retried, how long to wait (exponential backoff
 * with full jitter, or the server's `Retry-After`), and when to give up.
 * @module
 */
import { checkInteger, checkOptions, describe } from '../core/validate.js';
import { ClientConnectionError, ClientTimeoutError } from './errors.js';

/**
 * When and how to retry a request (off unless given; `retry: true` takes every default).
 *
 * A request is retried when its method is in `methods`, its body can be sent again (not a one-shot async
 * iterable), and the attempt ended with a status in `statuses`, a {@link ClientConnectionError} (refused,
 * reset, server disconnected) or a {@link ClientTimeoutError}. A cancelled request is never retried.
 * Each attempt gets its own `timeout`; wrap the call in `timeout()` for one deadline over all of them.
 *
 * @example
 * ```ts
 * import { ClientSession } from 'asyncio-ts/http';
 * const session = new ClientSession({ retry: { attempts: 5, backoff: { baseMs: 200, maxMs: 5_000 } } });
 * ```
 */
export interface RetryOptions {
  /** Tries in all, the first included. Default 3. */
  attempts?: number;
  /** Response statuses that are retried. Default `[408, 429, 500, 502, 503, 504]`. */
  statuses?: Iterable<number>;
  /** Methods that are retried. Default the idempotent ones: GET, HEAD, OPTIONS, PUT, DELETE, TRACE. */
  methods?: Iterable<string>;
  /**
   * Wait before retry `n` (1-based): a random time in `[0, min(maxMs, baseMs * 2 ** (n - 1)))` (full
   * jitter). A `Retry-After` header (seconds or an HTTP date) is waited instead when it is longer; one
   * longer than `maxMs` ends the retries and the response is returned as it is.
   * Default `{ baseMs: 100, maxMs: 10_000 }`.
   */
  backoff?: { baseMs?: number; maxMs?: number };
}

/** A checked, ready-to-use retry policy. @internal */
export interface RetryPolicy {
  readonly attempts: number;
  readonly statuses: ReadonlySet<number>;
  readonly methods: ReadonlySet<string>;
  readonly baseMs: number;
  readonly maxMs: number;
}

const DEFAULT_STATUSES: readonly number[] = [408, 429, 500, 502, 503, 504];
const DEFAULT_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'];

/** Checks a `retry` option: `undefined`/`false` → no retries, `true` → defaults. @internal */
export function resolveRetry(value: unknown, where: string): RetryPolicy | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) value = {};
  checkOptions(value, where);
  if (value === null) throw new TypeError(`${where}: retry must be an object or a boolean, received null`);
  const given = value as RetryOptions;
  const attempts = given.attempts ?? 3;
  checkInteger(attempts, 'retry.attempts', where, 1);
  const statuses = new Set<number>();
  for (const status of iterable(given.statuses ?? DEFAULT_STATUSES, 'retry.statuses', where)) {
    checkInteger(status, 'retry.statuses[]', where, 100);
    statuses.add(status as number);
  }
  const methods = new Set<string>();
  for (const method of iterable(given.methods ?? DEFAULT_METHODS, 'retry.methods', where)) {
    if (typeof method !== 'string') {
      throw new TypeError(`${where}: retry.methods[] must be a string, received ${describe(method)}`);
    }
    methods.add(method.toUpperCase());
  }
  const backoff = given.backoff ?? {};
  checkOptions(backoff, `${where} (retry.backoff)`);
  const baseMs = backoff.baseMs ?? 100;
  const maxMs = backoff.maxMs ?? 10_000;
  checkNonNegative(baseMs, 'retry.backoff.baseMs', where);
  checkNonNegative(maxMs, 'retry.backoff.maxMs', where);
  return { attempts, statuses, methods, baseMs, maxMs };
}

function iterable(value: unknown, name: string, where: string): Iterable<unknown> {
  if (
    typeof value === 'string' ||
    value === null ||
    typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function'
  ) {
    throw new TypeError(`${where}: ${name} must be an array, received ${describe(value)}`);
  }
  return value as Iterable<unknown>;
}

function checkNonNegative(value: unknown, name: string, where: string): void {
  if (typeof value !== 'number')
    throw new TypeError(`${where}: ${name} must be a number, received ${describe(value)}`);
  if (!(value >= 0)) throw new RangeError(`${where}: ${name} must be >= 0, received ${value}`);
}

/** True if an attempt that failed with `err` may be tried again (never for a cancellation). @internal */
export function isRetryableError(err: unknown): boolean {
  return err instanceof ClientConnectionError || err instanceof ClientTimeoutError;
}

/** Full-jitter exponential backoff before retry number `retry` (1 for the first retry). @internal */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  return Math.floor(random() * cap);
}

/**
 * A `Retry-After` value in milliseconds: delay-seconds or an HTTP date (relative to `nowMs`, wall-clock).
 * `undefined` when absent or unreadable. @internal
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  // Delay-seconds; fractions are accepted too (not in the RFC, but harmless and handy in tests).
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  // An HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT") has letters; Date.parse alone accepts things like "-1".
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
