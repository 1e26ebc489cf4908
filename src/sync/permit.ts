/**
 * `Permit`: the handle an `acquire()` resolves with. Releasing it (or leaving a `using` block) gives the lock
 * or the semaphore permit back exactly once.
 * @module
 */
import { inspect } from 'node:util';

/** What a {@link Permit} gives back to. @internal */
export interface PermitOwner {
  /** Gives back the holding identified by `token` (a Lock's acquisition count; unused by a Semaphore). */
  releasePermit(token: number): void;
}

/**
 * One holding of a `Lock` or one permit of a `Semaphore`, as returned by `acquire()`. `release()` gives it
 * back once; a spent permit does nothing, so `using` and an explicit `release()` can be combined safely.
 *
 * @example
 * ```ts
 * import { Lock } from 'asyncio-ts';
 * const lock = new Lock();
 * {
 *   using _permit = await lock.acquire();
 *   // ... critical section ...
 * } // released here, also when the block throws
 * ```
 */
export class Permit implements Disposable {
  /** @internal undefined once spent. */
  private owner: PermitOwner | undefined;
  /** @internal */
  private readonly token: number;

  /** @internal permits are made by `acquire()`. */
  constructor(owner: PermitOwner, token: number) {
    this.owner = owner;
    this.token = token;
  }

  /** True once the permit was given back. */
  get released(): boolean {
    return this.owner === undefined;
  }

  /** Gives the lock or permit back. Does nothing if it was already given back. */
  release(): void {
    const owner = this.owner;
    if (owner === undefined) return;
    this.owner = undefined;
    owner.releasePermit(this.token);
  }

  /** `using permit = await lock.acquire()` releases at the end of the block. */
  [Symbol.dispose](): void {
    this.release();
  }

  /** @internal */
  [inspect.custom](): string {
    return `<Permit ${this.owner === undefined ? 'released' : 'held'}>`;
  }
}
