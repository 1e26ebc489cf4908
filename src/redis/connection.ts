/**
 * `RedisConnection`: one ioredis client for commands, plus (made on first need) a duplicate for pub/sub
 * wake-ups, shared by every primitive made on it. Scripts run by EVALSHA with an EVAL fallback (a restarted
 * server has forgotten them). `close()` ends every pending wait and timer of its primitives, then the sockets.
 * @module
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { InvalidStateError } from '../core/errors.js';
import { checkOptions, describe } from '../core/validate.js';
import { RedisConnectionError, toRedisError } from './errors.js';

/** A Lua script, by its text and its SHA1. @internal */
export interface Script {
  readonly lua: string;
  readonly sha: string;
}

/** @internal */
export function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/** Something with waiters or timers that `close()` must end and a reconnect must wake. @internal */
export interface ActivePart {
  /** Ends every wait with `error` and clears every timer. */
  abort(error: Error): void;
  /** The connection came back: state on the server may be gone, so look again. */
  resume(): void;
}

/** Options of {@link connectRedis}. */
export interface ConnectRedisOptions {
  /**
   * How many reconnect attempts a command survives before it fails with `RedisConnectionError`
   * (ioredis's `maxRetriesPerRequest`; default 20, about 10 s with the default back-off).
   */
  maxRetriesPerRequest?: number;
  /** The longest pause between reconnect attempts in milliseconds (default 500). */
  maxReconnectDelay?: number;
}

/**
 * Connects to Redis (or Valkey) and resolves once the connection is ready. Give a URL
 * (`redis://[:password@]host:port[/db]`, `rediss://` for TLS) or an ioredis client you already have (it is
 * not closed by `close()`). Rejects with `RedisConnectionError` if the server cannot be reached.
 *
 * @example
 * <!-- no-run: needs a Redis server -->
 * ```ts
 * import { connectRedis, RedisSemaphore } from 'asyncio-ts/redis';
 * await using redis = await connectRedis('redis://127.0.0.1:6379');
 * const sem = new RedisSemaphore(redis, 'api', { value: 5 });
 * ```
 */
export function connectRedis(
  target: string | Redis = 'redis://127.0.0.1:6379',
  options?: ConnectRedisOptions,
): Promise<RedisConnection> {
  checkOptions(options, 'connectRedis');
  const maxRetries = options?.maxRetriesPerRequest ?? 20;
  const maxDelay = options?.maxReconnectDelay ?? 500;
  if (!Number.isInteger(maxRetries) || maxRetries < 0)
    throw new RangeError(
      `connectRedis: options.maxRetriesPerRequest must be an integer >= 0, received ${maxRetries}`,
    );
  if (typeof maxDelay !== 'number' || !(maxDelay >= 0) || !Number.isFinite(maxDelay))
    throw new RangeError(
      `connectRedis: options.maxReconnectDelay must be a finite number >= 0, received ${describe(maxDelay)}`,
    );
  if (target instanceof Redis) {
    if (target.status === 'end') throw new InvalidStateError('connectRedis: the client given is closed');
    return Promise.resolve(new RedisConnection(target, false));
  }
  if (typeof target !== 'string' || !/^rediss?:\/\//.test(target)) {
    throw new TypeError(
      `connectRedis: url must be a redis:// or rediss:// URL or an ioredis client, received ${typeof target === 'string' ? 'another string' : describe(target)}`,
    );
  }
  return open(target, maxRetries, maxDelay);
}

async function open(url: string, maxRetries: number, maxDelay: number): Promise<RedisConnection> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: maxRetries,
    retryStrategy: (times) => Math.min(times * 50, maxDelay),
  });
  // ioredis reports every failed reconnect as an 'error' event; the commands that fail carry it already.
  client.on('error', noop);
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new RedisConnectionError(`connectRedis: cannot connect: ${(err as Error).message}`, { cause: err });
  }
  return new RedisConnection(client, true);
}

function noop(): void {}

/**
 * A connection to Redis shared by the Redis primitives made on it. Made by {@link connectRedis}.
 *
 * @example
 * <!-- no-run: needs a Redis server -->
 * ```ts
 * import { connectRedis } from 'asyncio-ts/redis';
 * const redis = await connectRedis(process.env.REDIS_URL);
 * try {
 *   // … use redis
 * } finally {
 *   await redis.close();
 * }
 * ```
 */
export class RedisConnection implements AsyncDisposable {
  /** The ioredis client that carries the commands (for your own commands too). */
  readonly client: Redis;
  /** @internal */
  private readonly owned: boolean;
  /** @internal the pub/sub connection, made when the first primitive waits. */
  private subscriber: Redis | undefined = undefined;
  /** @internal channel → what a message on it wakes. */
  private readonly listeners = new Map<string, Set<() => void>>();
  /** @internal channel → its SUBSCRIBE, acknowledged or in flight. */
  private readonly subscribed = new Map<string, Promise<void>>();
  /** @internal */
  private readonly active = new Set<ActivePart>();
  /** @internal */
  private isClosed = false;
  /** @internal */
  private readonly onReady = (): void => {
    for (const part of this.active) part.resume();
  };

  /** @internal made by connectRedis. */
  constructor(client: Redis, owned: boolean) {
    this.client = client;
    this.owned = owned;
    client.on('ready', this.onReady);
    // Lost: every waiter asks again now, so its command waits for the reconnect (a clean resume) or fails
    // after maxRetriesPerRequest with RedisConnectionError, instead of sleeping on a wake-up that never comes.
    client.on('close', this.onReady);
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Ends every pending wait of the primitives made on this connection (they reject with
   * `InvalidStateError`), stops their lease renewals (held leases then expire on the server) and closes the
   * sockets: the command connection only if `connectRedis` opened it. Later calls throw `InvalidStateError`.
   *
   * @example
   * ```ts
   * const redis = await connectRedis();
   * await redis.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    const error = new InvalidStateError('RedisConnection: closed while waiting');
    for (const part of [...this.active]) part.abort(error);
    this.active.clear();
    this.client.off('ready', this.onReady);
    this.client.off('close', this.onReady);
    const sub = this.subscriber;
    this.subscriber = undefined;
    sub?.disconnect();
    if (this.owned) {
      try {
        await this.client.quit();
      } catch {
        this.client.disconnect();
      }
    }
  }

  /** `await using redis = await connectRedis()` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** @internal throws `InvalidStateError` naming the call once closed. */
  check(where: string): void {
    if (this.isClosed) throw new InvalidStateError(`${where}: the Redis connection is closed`);
  }

  /** @internal */
  activate(part: ActivePart): void {
    if (!this.isClosed) this.active.add(part);
  }

  /** @internal */
  deactivate(part: ActivePart): void {
    this.active.delete(part);
  }

  /** @internal runs a script; errors become RedisConnectionError / RedisCommandError. */
  async run(
    s: Script,
    keys: readonly string[],
    args: readonly (string | number)[],
    where: string,
  ): Promise<unknown> {
    if (this.isClosed) throw new InvalidStateError(`${where}: the Redis connection is closed`);
    try {
      try {
        return await this.client.evalsha(s.sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!String((err as Error)?.message).startsWith('NOSCRIPT')) throw err;
        return await this.client.eval(s.lua, keys.length, ...keys, ...args);
      }
    } catch (err) {
      throw toRedisError(err, where);
    }
  }

  /** @internal calls `listener` on every message published on `channel`; resolves once subscribed. */
  subscribe(channel: string, listener: () => void): Promise<void> {
    let set = this.listeners.get(channel);
    if (set === undefined) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    let done = this.subscribed.get(channel);
    if (done === undefined) {
      const sub = this.subscriberClient();
      done = sub.subscribe(channel).then(
        () => undefined,
        (err: unknown) => {
          this.subscribed.delete(channel);
          throw toRedisError(err, 'subscribe');
        },
      );
      this.subscribed.set(channel, done);
    }
    return done;
  }

  /** @internal */
  private subscriberClient(): Redis {
    let sub = this.subscriber;
    if (sub === undefined) {
      sub = this.client.duplicate();
      sub.on('error', noop);
      sub.on('message', (channel: string) => {
        const set = this.listeners.get(channel);
        if (set !== undefined) for (const listener of set) listener();
      });
      // Resubscribed after a reconnect (ioredis does it): wake everyone, a release may have been missed.
      sub.on('ready', this.onReady);
      this.subscriber = sub;
    }
    return sub;
  }
}
