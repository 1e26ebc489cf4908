/**
 * The shapes shared by the local primitives and their Redis twins (`asyncio-ts/redis`), so code written
 * against them scales out by changing one constructor (DESIGN §11). Only what both can honour is here: a
 * Redis call cannot answer synchronously, so the members that may go to the server return `T | Promise<T>`.
 * @module
 */
import type { SignalOptions } from './options.js';

/**
 * A held lock or semaphore permit: `release()` gives it back once (later calls do nothing); `using`
 * releases it at the end of the block.
 *
 * @example
 * ```ts
 * declare function work(): Promise<void>;
 * import type { PermitLike, SemaphoreLike } from 'asyncio-ts';
 * async function withPermit(sem: SemaphoreLike) {
 *   const permit: PermitLike = await sem.acquire();
 *   try { await work(); } finally { await permit.release(); }
 * }
 * ```
 */
export interface PermitLike extends Disposable {
  /** True once the permit was given back. */
  readonly released: boolean;
  /** Gives the permit back (a Redis permit returns a promise that settles when the server has it). */
  release(): void | Promise<void>;
}

/**
 * What `Semaphore` and `RedisSemaphore` share.
 *
 * @example
 * ```ts
 * declare const url: string;
 * import { Semaphore, type SemaphoreLike } from 'asyncio-ts';
 * const sem: SemaphoreLike = new Semaphore(5); // or new RedisSemaphore(redis, 'api', { value: 5 })
 * await sem.runExclusive(() => fetch(url));
 * ```
 */
export interface SemaphoreLike {
  /** Waits for a permit. A checkpoint; a cancelled waiter consumes nothing. */
  acquire(options?: SignalOptions): Promise<PermitLike>;
  /** Runs `fn` while holding a permit. */
  runExclusive<T>(fn: () => PromiseLike<T> | T, options?: SignalOptions): Promise<T>;
}

/**
 * What `Lock` and `RedisLock` share.
 *
 * @example
 * ```ts
 * declare function writeReport(): Promise<void>;
 * import { Lock, type LockLike } from 'asyncio-ts';
 * const lock: LockLike = new Lock(); // or new RedisLock(redis, 'report')
 * await lock.runExclusive(() => writeReport());
 * ```
 */
export interface LockLike {
  /** Waits for the lock. A checkpoint; a cancelled waiter never holds it. */
  acquire(options?: SignalOptions): Promise<PermitLike>;
  /** Runs `fn` while holding the lock. */
  runExclusive<T>(fn: () => PromiseLike<T> | T, options?: SignalOptions): Promise<T>;
}

/**
 * What `RateLimiter` and `RedisRateLimiter` share.
 *
 * @example
 * ```ts
 * import { RateLimiter, type RateLimiterLike } from 'asyncio-ts';
 * const limiter: RateLimiterLike = new RateLimiter(10, 1000); // or new RedisRateLimiter(redis, 'api', 10, 1000)
 * await limiter.acquire();
 * ```
 */
export interface RateLimiterLike {
  /** Acquisitions allowed per `perMs`, and the largest burst. */
  readonly rate: number;
  /** The window in milliseconds. */
  readonly perMs: number;
  /** Waits for a token. A checkpoint; a cancelled waiter consumes no token. */
  acquire(options?: SignalOptions): Promise<void>;
  /** Waits for a token, then runs `fn`. */
  runExclusive<T>(fn: () => PromiseLike<T> | T, options?: SignalOptions): Promise<T>;
}
