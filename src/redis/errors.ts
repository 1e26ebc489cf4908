/**
 * The errors of `asyncio-ts/redis`: the connection failed or was lost for longer than the client retries
 * (`ERR_REDIS_CONNECTION`), or the server refused a command (`ERR_REDIS_COMMAND`). The client's own error is
 * the `cause`; no URL (it may hold a password) is ever part of a message.
 * @module
 */
import { AsyncioError, registerErrorClass } from '../core/errors.js';

/**
 * The Redis connection could not be made, or a command could not be delivered before the client gave up
 * retrying. Waits that were pending end with it instead of hanging.
 *
 * @example
 * ```ts
 * import { connectRedis, RedisConnectionError } from 'asyncio-ts/redis';
 * await connectRedis('redis://127.0.0.1:1').catch((err) => err instanceof RedisConnectionError); // true
 * ```
 */
export class RedisConnectionError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.RedisConnectionError');
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'ERR_REDIS_CONNECTION', options);
  }
}
registerErrorClass(RedisConnectionError, 'RedisConnectionError');

/**
 * The server answered a command with an error (out of memory, a read-only replica, a wrong key type).
 *
 * @example
 * ```ts
 * declare const sem: RedisSemaphore;
 * import { RedisCommandError } from 'asyncio-ts/redis';
 * try { await sem.acquire(); } catch (err) { if (err instanceof RedisCommandError) console.error(err.message); }
 * ```
 */
export class RedisCommandError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.RedisCommandError');
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'ERR_REDIS_COMMAND', options);
  }
}
registerErrorClass(RedisCommandError, 'RedisCommandError');

/** Turns what ioredis rejected with into one of ours. @internal */
export function toRedisError(err: unknown, where: string): Error {
  if (err instanceof AsyncioError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'ReplyError')
    return new RedisCommandError(`${where}: the server refused: ${message}`, { cause: err });
  return new RedisConnectionError(`${where}: the Redis connection failed: ${message}`, { cause: err });
}
