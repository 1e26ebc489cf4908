/**
 * `RedisPermit`: a held `RedisSemaphore` permit or `RedisLock`, with its fencing token.
 * @module
 */
import { inspect } from 'node:util';
import type { PermitLike } from '../sync/like.js';

/** @internal */
export interface RedisPermitOwner {
  releaseHolding(id: string): Promise<void>;
}

const RESOLVED: Promise<void> = Promise.resolve();
function noop(): void {}

/**
 * One holding of a {@link RedisSemaphore} permit or a {@link RedisLock}. Its lease is renewed while it is
 * held; `release()` gives it back (once) and wakes a waiter in any process. `token` is a fencing token:
 * every acquisition of the same key gets a larger one, so a resource that remembers the largest token it
 * has seen can refuse a holder whose lease ran out while it was paused.
 *
 * @example
 * ```ts
 * declare const lock: RedisLock;
 * declare const report: string;
 * declare const storage: { write(data: string, options: { fencingToken: number }): Promise<void> };
 * {
 *   using permit = await lock.acquire();
 *   await storage.write(report, { fencingToken: permit.token });
 * } // released here
 * ```
 */
export class RedisPermit implements PermitLike, AsyncDisposable {
  /** The fencing token: strictly larger than every earlier acquisition's of this key. */
  readonly token: number;
  /** @internal */
  private owner: RedisPermitOwner | undefined;
  /** @internal */
  private readonly id: string;

  /** @internal made by `acquire()`. */
  constructor(owner: RedisPermitOwner, id: string, token: number) {
    this.owner = owner;
    this.id = id;
    this.token = token;
  }

  /** True once `release()` was called. */
  get released(): boolean {
    return this.owner === undefined;
  }

  /**
   * Gives the permit back; the promise settles when the server has it (awaiting it is optional: commands on
   * one connection keep their order, and a failure only leaves the lease to run out).
   */
  release(): Promise<void> {
    const owner = this.owner;
    if (owner === undefined) return RESOLVED;
    this.owner = undefined;
    const done = owner.releaseHolding(this.id);
    // Marked handled, so `using` (which cannot await) never produces an unhandled rejection.
    done.catch(noop);
    return done;
  }

  /** `using permit = await sem.acquire()` releases at the end of the block. */
  [Symbol.dispose](): void {
    void this.release();
  }

  /** `await using permit = await sem.acquire()` releases and waits for the server. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }

  /** @internal */
  [inspect.custom](): string {
    return `<RedisPermit token=${this.token} ${this.owner === undefined ? 'released' : 'held'}>`;
  }
}
