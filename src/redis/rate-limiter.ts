import { checkFunction, checkInteger } from '../core/validate.js';
import type { RateLimiterLike } from '../sync/like.js';
import type { SignalOptions } from '../sync/options.js';
import { type RedisConnection, script } from './connection.js';
import { checkConnection, checkKey, checkLeaseMs } from './validate.js';
import { type Attempt, WaitLine } from './wait-line.js';

const NOW = `local t = redis.call('TIME') local now = t[1] * 1000 + t[2] / 1000`;

/** KEYS tat; ARGV interval, tolerance → '0' when a token was taken, else the milliseconds until one is due. */
const TAKE = script(`${NOW}
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local interval = tonumber(ARGV[1])
local wait = tat - tonumber(ARGV[2]) - now
if wait <= 0.000001 then
  local nxt = tat + interval
  redis.call('SET', KEYS[1], string.format('%.3f', nxt), 'PX', math.ceil(nxt - now) + 1000)
  return '0'
end
return string.format('%.3f', wait)`);

/** KEYS tat; ARGV interval, channel: gives one token back (a grant its waiter could not take). */
const REFUND = script(`${NOW}
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat > now then
  local back = math.max(now, tat - tonumber(ARGV[1]))
  redis.call('SET', KEYS[1], string.format('%.3f', back), 'PX', math.ceil(back - now) + 1000)
end
redis.call('PUBLISH', ARGV[2], '1')
return 1`);

/**
 * Allows `rate` acquisitions per `perMs` milliseconds across every process using `key`: a token bucket of
 * `rate` tokens that starts full and refills continuously, as the local `RateLimiter`. Waiters in a process
 * are served in arrival order; a cancelled waiter consumes no token (one granted to it in flight is given
 * back). Every process must use the same `rate` and `perMs` for a key.
 *
 * @example
 * ```ts
 * declare const url: string;
 * import { connectRedis, RedisRateLimiter } from 'asyncio-ts/redis';
 * await using redis = await connectRedis();
 * const limiter = new RedisRateLimiter(redis, 'github-api', 10, 1000); // 10 per second, all processes
 * await limiter.runExclusive(() => fetch(url));
 * ```
 */
export class RedisRateLimiter implements RateLimiterLike {
  /** Acquisitions allowed per `perMs`, and the largest burst. */
  readonly rate: number;
  /** The window in milliseconds. */
  readonly perMs: number;
  /** The key given to the constructor. */
  readonly key: string;
  /** @internal */
  private readonly conn: RedisConnection;
  /** @internal */
  private readonly keys: readonly [string];
  /** @internal */
  private readonly args: readonly [number, number];
  /** @internal */
  private readonly channel: string;
  /** @internal */
  private readonly line: WaitLine<void>;

  /**
   * @param redis the connection.
   * @param key the name shared by every process.
   * @param rate acquisitions per window and the largest burst, an integer >= 1.
   * @param perMs the window in milliseconds, a finite number > 0.
   */
  constructor(redis: RedisConnection, key: string, rate: number, perMs: number) {
    this.conn = checkConnection(redis, 'RedisRateLimiter');
    this.key = checkKey(key, 'RedisRateLimiter');
    checkInteger(rate, 'rate', 'RedisRateLimiter', 1);
    checkLeaseMs(perMs, 'perMs', 'RedisRateLimiter');
    this.rate = rate;
    this.perMs = perMs;
    const interval = perMs / rate;
    this.args = [interval, perMs - interval];
    const base = `asyncio-ts:rate:{${key}}`;
    this.keys = [`${base}:tat`];
    this.channel = `${base}:refund`;
    this.line = new WaitLine<void>(
      this.conn,
      this.channel,
      () => this.attempt(),
      () => void this.refund(),
    );
  }

  /**
   * Takes a token if one is available now: `true`, else `false`. Never waits for a token (one round trip).
   *
   * @example
   * ```ts
   * declare const limiter: RedisRateLimiter;
   * if (!(await limiter.tryAcquire())) console.log('over the limit, skipping');
   * ```
   */
  async tryAcquire(): Promise<boolean> {
    this.conn.check('RedisRateLimiter.tryAcquire');
    return (await this.take('RedisRateLimiter.tryAcquire')) === 0;
  }

  /**
   * Waits for a token. A checkpoint: rejects with `CancelledError` when the calling task is cancelled, or
   * `signal.reason`; a cancelled waiter consumes no token.
   *
   * @example
   * ```ts
   * declare const limiter: RedisRateLimiter;
   * declare const urls: string[];
   * for (const url of urls) { await limiter.acquire(); void fetch(url); }
   * ```
   */
  acquire(options?: SignalOptions): Promise<void> {
    return this.line.enter('RedisRateLimiter.acquire', options);
  }

  /**
   * Waits for a token, then runs `fn` and returns its outcome (a token is spent, not held).
   *
   * @example
   * ```ts
   * declare const limiter: RedisRateLimiter;
   * declare const url: string;
   * const body = await limiter.runExclusive(() => fetch(url).then((r) => r.text()));
   * ```
   */
  async runExclusive<T>(fn: () => PromiseLike<T> | T, options?: SignalOptions): Promise<T> {
    checkFunction(fn, 'fn', 'RedisRateLimiter.runExclusive');
    await this.acquire(options);
    return await fn();
  }

  /** @internal */
  private async take(where: string): Promise<number> {
    return Number(await this.conn.run(TAKE, this.keys, this.args, where));
  }

  /** @internal */
  private async attempt(): Promise<Attempt<void>> {
    const wait = await this.take('RedisRateLimiter.acquire');
    return wait === 0 ? { value: undefined } : wait;
  }

  /** @internal */
  private async refund(): Promise<void> {
    try {
      await this.conn.run(REFUND, this.keys, [this.args[0], this.channel], 'RedisRateLimiter.acquire');
    } catch {
      // Lost with the connection: the bucket refills on its own.
    }
  }
}
