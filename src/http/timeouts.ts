/**
 * The three request timeouts of a {@link ClientSession} (aiohttp's `ClientTimeout`), their defaults and
 * how a request's own values override the session's, field by field.
 * @module
 */
import { checkOptions, describe } from '../core/validate.js';

/**
 * Request timeouts in milliseconds; `null` (or `Infinity`) turns one off.
 *
 * - `total`: from the start of the request (once it holds its `limit`/`limitPerHost` permits and rate-limit
 *   token) to the end of the response body, redirects included. Default 300,000 (5 minutes, as aiohttp).
 * - `connect`: opening the connection (TCP and TLS). Default none.
 * - `sockRead`: the longest gap between two reads from the socket once the request is sent (waiting for
 *   the headers, then between body chunks). Default none. It pauses while your code has not read what has
 *   already arrived (a slow consumer is not a slow server).
 *
 * @example
 * ```ts
 * declare const url: string;
 * import { ClientSession } from 'asyncio-ts/http';
 * const session = new ClientSession({ timeout: { total: 30_000, connect: 2_000, sockRead: 5_000 } });
 * await session.get(url, { timeout: { total: 1_000 } }); // connect and sockRead stay as the session's
 * ```
 */
export interface ClientTimeout {
  total?: number | null;
  connect?: number | null;
  sockRead?: number | null;
}

/** Timeouts with every field resolved; `Infinity` for none. @internal */
export interface ResolvedTimeouts {
  readonly total: number;
  readonly connect: number;
  readonly sockRead: number;
}

/** aiohttp's default: five minutes in total, no other limit. @internal */
export const DEFAULT_TIMEOUTS: ResolvedTimeouts = Object.freeze({
  total: 300_000,
  connect: Number.POSITIVE_INFINITY,
  sockRead: Number.POSITIVE_INFINITY,
});

const FIELDS = ['total', 'connect', 'sockRead'] as const;

/**
 * Checks `value` (a {@link ClientTimeout}) and returns `base` with its fields overridden. Returns `base`
 * itself when nothing changes, so a request without `timeout` allocates nothing. @internal
 */
export function resolveTimeouts(value: unknown, base: ResolvedTimeouts, where: string): ResolvedTimeouts {
  if (value === undefined) return base;
  checkOptions(value, where);
  if (value === null) throw new TypeError(`${where}: timeout must be an object, received null`);
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw new TypeError(`${where}: unknown timeout option '${key}' (expected total, connect or sockRead)`);
    }
  }
  return {
    total: field(given.total, base.total, `${where}: timeout.total`),
    connect: field(given.connect, base.connect, `${where}: timeout.connect`),
    sockRead: field(given.sockRead, base.sockRead, `${where}: timeout.sockRead`),
  };
}

function field(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (value === null) return Number.POSITIVE_INFINITY;
  if (typeof value !== 'number') {
    throw new TypeError(`${name} must be a number of milliseconds or null, received ${describe(value)}`);
  }
  if (!(value > 0)) throw new RangeError(`${name} must be > 0 (or null for none), received ${value}`);
  return value;
}
