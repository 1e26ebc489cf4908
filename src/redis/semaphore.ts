/**
 * `RedisSemaphore`: a semaphore shared by every process that uses the same Redis key.
 * @module
 */
import { checkInteger, checkOptions } from '../core/validate.js';
import type { SemaphoreLike } from '../sync/like.js';
import type { RedisConnection } from './connection.js';
import { PermitPool } from './permit-pool.js';
import { checkConnection, checkKey, checkLeaseMs } from './validate.js';

/** Options of {@link RedisSemaphore}. */
export interface RedisSemaphoreOptions {
  /** The number of permits, an integer >= 1 (default 1). Every process must use the same value. */
  value?: number;
  /** How long a permit lasts if its holder stops renewing it (dies), in milliseconds (default 30 000). */
  leaseMs?: number;
}

/**
 * Lets at most `value` holders in at once across every process using `key`. `acquire()` resolves with a
 * {@link RedisPermit} whose lease is renewed while held; a holder that dies loses it after `leaseMs` and the
 * permit passes on. A release in one process wakes waiters in the others by pub/sub. Within a process waiters
 * are served in arrival order; across processes the server decides.
 *
 * @example
 * ```ts
 * declare function callTheApi(): Promise<void>;
 * import { connectRedis, RedisSemaphore } from 'asyncio-ts/redis';
 * await using redis = await connectRedis();
 * const sem = new RedisSemaphore(redis, 'api', { value: 5, leaseMs: 30_000 });
 * using permit = await sem.acquire();
 * await callTheApi();
 * ```
 */
export class RedisSemaphore extends PermitPool implements SemaphoreLike {
  /** @param redis the connection; @param key the name shared by every process. */
  constructor(redis: RedisConnection, key: string, options?: RedisSemaphoreOptions) {
    checkConnection(redis, 'RedisSemaphore');
    checkKey(key, 'RedisSemaphore');
    checkOptions(options, 'RedisSemaphore');
    const value = options?.value ?? 1;
    checkInteger(value, 'options.value', 'RedisSemaphore', 1);
    const leaseMs = checkLeaseMs(options?.leaseMs ?? 30_000, 'options.leaseMs', 'RedisSemaphore');
    super(redis, 'RedisSemaphore', 'sem', key, value, leaseMs);
  }
}
