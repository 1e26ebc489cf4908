/**
 * `RedisLock`: a lock shared by every process that uses the same Redis key, with fencing tokens.
 * @module
 */
import { checkOptions } from '../core/validate.js';
import type { LockLike } from '../sync/like.js';
import type { RedisConnection } from './connection.js';
import { PermitPool } from './permit-pool.js';
import { checkConnection, checkKey, checkLeaseMs } from './validate.js';

/** Options of {@link RedisLock}. */
export interface RedisLockOptions {
  /** How long the lock lasts if its holder stops renewing it (dies), in milliseconds (default 30 000). */
  leaseMs?: number;
}

/**
 * Mutual exclusion across processes. `acquire()` resolves with a {@link RedisPermit}; `permit.token` is a
 * fencing token that strictly increases with every acquisition of the key. The lease is renewed while the
 * lock is held; a holder that dies loses it after `leaseMs`.
 *
 * @example
 * ```ts
 * declare function buildReport(): Promise<void>;
 * import { connectRedis, RedisLock } from 'asyncio-ts/redis';
 * await using redis = await connectRedis();
 * const lock = new RedisLock(redis, 'nightly-report', { leaseMs: 10_000 });
 * await lock.runExclusive(() => buildReport());
 * ```
 */
export class RedisLock extends PermitPool implements LockLike {
  /** @param redis the connection; @param key the name shared by every process. */
  constructor(redis: RedisConnection, key: string, options?: RedisLockOptions) {
    checkConnection(redis, 'RedisLock');
    checkKey(key, 'RedisLock');
    checkOptions(options, 'RedisLock');
    const leaseMs = checkLeaseMs(options?.leaseMs ?? 30_000, 'options.leaseMs', 'RedisLock');
    super(redis, 'RedisLock', 'lock', key, 1, leaseMs);
  }
}
