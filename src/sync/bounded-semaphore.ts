/**
 * `BoundedSemaphore`: a Semaphore that refuses to be released above its initial value.
 * @module
 */
import { Semaphore } from './semaphore.js';

/**
 * A {@link Semaphore} whose `release()` throws `RangeError` when it would raise `value` above the initial
 * value: a release without a matching acquire is a bug, found at once instead of silently widening the limit.
 *
 * @example
 * ```ts
 * import { BoundedSemaphore } from 'asyncio-ts';
 * const sem = new BoundedSemaphore(2);
 * const permit = await sem.acquire();
 * permit.release();
 * try {
 *   sem.release();
 * } catch (e) {
 *   console.log(e instanceof RangeError); // true: released more often than acquired
 * }
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  /** The initial number of permits: `value` never goes above it. */
  readonly bound: number;

  /** @param value the number of permits, an integer >= 0 (default 1). */
  constructor(value = 1) {
    super(value);
    this.bound = value;
  }

  /** @internal */
  protected override checkWeight(weight: number, where: string): void {
    if (weight > this.bound) {
      throw new RangeError(
        `${where}: options.weight must be at most the bound ${this.bound}, received ${weight}`,
      );
    }
  }

  /** Gives a permit back; throws `RangeError` if every permit is already free. */
  override release(): void {
    if (this.free >= this.bound) {
      throw new RangeError(
        `BoundedSemaphore.release(): released more often than acquired (value ${this.free} is already the bound ${this.bound})`,
      );
    }
    this.handOn();
  }
}
