import { InvalidStateError } from '../core/errors.js';
import { checkFunction } from '../core/validate.js';
import type { SignalOptions } from '../sync/options.js';
import { type RedisConnection, script } from './connection.js';
import { LeaseKeeper } from './lease-keeper.js';
import { RedisPermit } from './permit.js';
import { newId } from './validate.js';
import { type Attempt, WaitLine } from './wait-line.js';

const NOW = `local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)`;

/** KEYS holders, tokens; ARGV id, value, leaseMs → {1, token} or {0, ms until the first lease runs out}. */
const ACQUIRE = script(`${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  return {1, redis.call('INCR', KEYS[2])}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tonumber(first[2]) - now}`);

/**
 * KEYS holders; ARGV id, channel, value. Only a release from a full set can have waiters to wake: a waiter
 * sleeps only after it found the set full, and a set that became not full by a lease running out wakes it by
 * the waiter's own timer (armed for the first lease's end).
 */
const RELEASE = script(`local full = redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3])
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 and full then redis.call('PUBLISH', ARGV[2], '1') end
return 1`);

/**
 * KEYS holders; ARGV value, leaseMs, ids… → the ids whose lease is lost. A holding that is gone (its lease ran
 * out, or the server restarted empty) is taken again if there is room, else reported lost.
 */
const RENEW = script(`${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local lost = {}
local value = tonumber(ARGV[1])
local until_ = now + tonumber(ARGV[2])
for i = 3, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) or redis.call('ZCARD', KEYS[1]) < value then
    redis.call('ZADD', KEYS[1], until_, ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost`);

/**
 * The base of `RedisSemaphore` and `RedisLock`. Not exported from the package, but kept in the published types: the
 * published `.d.ts` of both classes name it, so stripping it would break them under `skipLibCheck: false`.
 */
// RedisPermitOwner is internal (stripped from the .d.ts), so it is satisfied structurally, not named here.
export abstract class PermitPool {
  /** The key given to the constructor. */
  readonly key: string;
  /** How long a holding lasts without renewal, in milliseconds. */
  readonly leaseMs: number;
  /** @internal */
  protected readonly conn: RedisConnection;
  /** @internal */
  private readonly value: number;
  /** @internal */
  private readonly keys: readonly [string, string];
  /** @internal */
  private readonly channel: string;
  /** @internal */
  private readonly line: WaitLine<RedisPermit>;
  /** @internal */
  private readonly keeper: LeaseKeeper;
  /** @internal */
  private readonly kind: string;

  /** @internal */
  constructor(conn: RedisConnection, kind: string, ns: string, key: string, value: number, leaseMs: number) {
    this.conn = conn;
    this.kind = kind;
    this.key = key;
    this.value = value;
    this.leaseMs = leaseMs;
    const base = `asyncio-ts:${ns}:{${key}}`;
    this.keys = [`${base}:holders`, `${base}:token`];
    this.channel = `${base}:released`;
    this.line = new WaitLine<RedisPermit>(
      conn,
      this.channel,
      () => this.attempt(),
      (permit) => void permit.release(),
    );
    this.keeper = new LeaseKeeper(
      conn,
      Math.max(1, Math.floor(leaseMs / 3)),
      (ids) =>
        this.conn.run(RENEW, this.keys.slice(0, 1), [value, leaseMs, ...ids], `${kind}.renew`) as Promise<
          string[]
        >,
    );
  }

  /**
   * Waits for a permit and resolves with a {@link RedisPermit}. A checkpoint: rejects with `CancelledError`
   * when the calling task is cancelled, or `signal.reason`; a waiter cancelled while the server granted it
   * gives the grant straight back. Rejects with `RedisConnectionError` if the connection stays down longer
   * than the client retries, `InvalidStateError` if the connection is closed.
   */
  acquire(options?: SignalOptions): Promise<RedisPermit> {
    return this.line.enter(`${this.kind}.acquire`, options);
  }

  /** Runs `fn` while holding a permit, and releases it however `fn` ends. */
  async runExclusive<T>(fn: () => PromiseLike<T> | T, options?: SignalOptions): Promise<T> {
    checkFunction(fn, 'fn', `${this.kind}.runExclusive`);
    const permit = await this.acquire(options);
    try {
      return await fn();
    } finally {
      await permit.release();
    }
  }

  /** @internal */
  async releaseHolding(id: string): Promise<void> {
    this.keeper.delete(id);
    if (this.conn.closed) return;
    try {
      await this.conn.run(
        RELEASE,
        this.keys.slice(0, 1),
        [id, this.channel, this.value],
        `${this.kind}.release`,
      );
    } catch (err) {
      if (!(err instanceof InvalidStateError)) throw err;
    }
  }

  /** @internal */
  private async attempt(): Promise<Attempt<RedisPermit>> {
    const id = newId();
    const [ok, n] = (await this.conn.run(
      ACQUIRE,
      this.keys,
      [id, this.value, this.leaseMs],
      `${this.kind}.acquire`,
    )) as [number, number];
    if (ok === 1) {
      this.keeper.add(id);
      return { value: new RedisPermit(this, id, n) };
    }
    return n + 1;
  }
}
