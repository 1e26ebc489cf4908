/**
 * `asyncio-ts/redis`: the same limits and queues as the local primitives, shared by every process, on Redis
 * (or Valkey) through ioredis. Only this subpath loads ioredis.
 * @module
 */
export type { LockLike, PermitLike, RateLimiterLike, SemaphoreLike } from '../sync/like.js';
export { type ConnectRedisOptions, connectRedis, RedisConnection } from './connection.js';
export { RedisCommandError, RedisConnectionError } from './errors.js';
export { RedisLock, type RedisLockOptions } from './lock.js';
export { RedisPermit } from './permit.js';
export { RedisQueue, type RedisQueueCodec, type RedisQueueOptions } from './queue.js';
export { RedisRateLimiter } from './rate-limiter.js';
export { RedisSemaphore, type RedisSemaphoreOptions } from './semaphore.js';
