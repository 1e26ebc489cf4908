/**
 * Every error asyncio-ts throws: one base class, one subclass per condition, each with a stable `code`.
 * Branded with `Symbol.for` so that `instanceof` holds across two installed copies of the package.
 * @module
 */

const kBrands = Symbol.for('asyncio-ts.error-brands');

type BrandedCtor = { readonly brand: symbol };

/**
 * Base class of every error defined by asyncio-ts.
 *
 * @example
 * ```ts
 * import { AsyncioError, sleep } from 'asyncio-ts';
 * try { await sleep(Number.NaN); } catch (err) { err instanceof RangeError; }
 * ```
 */
export class AsyncioError extends Error {
  static readonly brand: symbol = Symbol.for('asyncio-ts.AsyncioError');
  /** A stable machine-readable code such as `ERR_CANCELLED`. */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const brands = (value as { [kBrands]?: Set<symbol> })[kBrands];
    return brands?.has((this as unknown as BrandedCtor).brand) === true;
  }
}

/** Registers `ctor` so that instances of it and of its subclasses pass `instanceof ctor` across copies. */
function brand(ctor: Function & BrandedCtor, name: string): void {
  const proto = ctor.prototype as { [kBrands]?: Set<symbol> };
  const inherited = Object.getPrototypeOf(proto)[kBrands] as Set<symbol> | undefined;
  const brands = new Set(inherited);
  brands.add(ctor.brand);
  Object.defineProperty(proto, kBrands, { value: brands });
  Object.defineProperty(proto, 'name', { value: name, writable: true, configurable: true });
}
brand(AsyncioError, 'AsyncioError');

/**
 * Thrown at a checkpoint inside a cancelled scope: the task was cancelled, its task group failed, or a
 * timeout expired (a `timeout()` turns its own expiry into {@link TimeoutError}).
 *
 * @example
 * ```ts
 * import { createTask, sleep, CancelledError } from 'asyncio-ts';
 * const t = createTask(() => sleep(10_000));
 * t.cancel();
 * await t.then(undefined, (err) => err instanceof CancelledError); // true
 * ```
 */
export class CancelledError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.CancelledError');
  /** What was passed to `cancel(reason)`, if anything. */
  readonly reason: unknown;
  constructor(message = 'The operation was cancelled', options?: { cause?: unknown; reason?: unknown }) {
    super(message, 'ERR_CANCELLED', options);
    this.reason = options?.reason;
  }
}
brand(CancelledError, 'CancelledError');

/**
 * A deadline passed: thrown by `timeout()`, `waitFor()`, `asCompleted()` and friends. When a scope's own
 * deadline cancelled the work, the `CancelledError` that unwound it is the `cause`.
 *
 * @example
 * ```ts
 * import { timeout, sleep, TimeoutError } from 'asyncio-ts';
 * await timeout(10, () => sleep(1000)).catch((err) => err instanceof TimeoutError); // true
 * ```
 */
export class TimeoutError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.TimeoutError');
  constructor(message = 'The operation timed out', options?: { cause?: unknown; code?: string }) {
    super(message, options?.code ?? 'ERR_TIMEOUT', options);
  }
}
brand(TimeoutError, 'TimeoutError');

/**
 * An object was used in a state that does not allow it: `result()` of a pending task, `release()` of an
 * unlocked lock, a task started in a finished task group, a request on a closed session.
 *
 * @example
 * ```ts
 * import { Future, InvalidStateError } from 'asyncio-ts';
 * try { new Future().result(); } catch (err) { err instanceof InvalidStateError; } // true
 * ```
 */
export class InvalidStateError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.InvalidStateError');
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'ERR_INVALID_STATE', options);
  }
}
brand(InvalidStateError, 'InvalidStateError');

/**
 * `getNowait()` on an empty queue.
 * @example
 * ```ts
 * import { Queue, QueueEmpty } from 'asyncio-ts';
 * try { new Queue().getNowait(); } catch (err) { err instanceof QueueEmpty; } // true
 * ```
 */
export class QueueEmpty extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.QueueEmpty');
  constructor(message = 'The queue is empty') {
    super(message, 'ERR_QUEUE_EMPTY');
  }
}
brand(QueueEmpty, 'QueueEmpty');

/**
 * `putNowait()` on a full queue.
 * @example
 * ```ts
 * import { Queue, QueueFull } from 'asyncio-ts';
 * const q = new Queue<number>(1); q.putNowait(1);
 * try { q.putNowait(2); } catch (err) { err instanceof QueueFull; } // true
 * ```
 */
export class QueueFull extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.QueueFull');
  constructor(message = 'The queue is full') {
    super(message, 'ERR_QUEUE_FULL');
  }
}
brand(QueueFull, 'QueueFull');

/**
 * A `put` after `shutdown()`, or a `get` after `shutdown()` once the queue is drained (asyncio 3.13).
 * @example
 * ```ts
 * import { Queue, QueueShutDown } from 'asyncio-ts';
 * const q = new Queue<number>(); q.shutdown();
 * try { q.putNowait(1); } catch (err) { err instanceof QueueShutDown; } // true
 * ```
 */
export class QueueShutDown extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.QueueShutDown');
  constructor(message = 'The queue is shut down') {
    super(message, 'ERR_QUEUE_SHUT_DOWN');
  }
}
brand(QueueShutDown, 'QueueShutDown');

/**
 * A `Barrier` was reset or aborted while tasks waited on it, or is used while broken.
 * @example
 * ```ts
 * import { Barrier, BrokenBarrierError } from 'asyncio-ts';
 * const b = new Barrier(2); b.abort();
 * await b.wait().catch((err) => err instanceof BrokenBarrierError); // true
 * ```
 */
export class BrokenBarrierError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.BrokenBarrierError');
  constructor(message = 'The barrier is broken') {
    super(message, 'ERR_BROKEN_BARRIER');
  }
}
brand(BrokenBarrierError, 'BrokenBarrierError');

/**
 * Lets a subclass defined elsewhere (e.g. the HTTP errors) take part in cross-copy `instanceof`.
 * The class must declare `static readonly brand = Symbol.for('asyncio-ts.<Name>')`.
 * @internal
 */
export function registerErrorClass(ctor: Function & { readonly brand: symbol }, name: string): void {
  brand(ctor, name);
}

/**
 * True for a {@link CancelledError}, and for an `AbortError` that carries one as its `cause` (up to a few
 * levels), such as the error that `fetch` or a stream throws for an aborted `currentSignal()`.
 *
 * @example
 * ```ts
 * import { isCancellation, CancelledError } from 'asyncio-ts';
 * isCancellation(new CancelledError()); // true
 * isCancellation(new Error('x'));        // false
 * ```
 */
export function isCancellation(err: unknown): boolean {
  if (err instanceof CancelledError) return true;
  if (typeof err !== 'object' || err === null || (err as { name?: unknown }).name !== 'AbortError')
    return false;
  let current = (err as { cause?: unknown }).cause;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    if (current instanceof CancelledError) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** `true` when `err` is `target` or has it in its `cause` chain. @internal */
export function isCausedBy(err: unknown, target: unknown): boolean {
  let current = err;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    if (current === target) return true;
    if (typeof current !== 'object') return false;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
