/**
 * `map(fn, items, { concurrency })`: bounded concurrency without a semaphore or a task per job.
 * Up to `concurrency` worker tasks in a task group pull items lazily from one iterator; a worker is started
 * only for an item already pulled, so a huge `concurrency` costs nothing for a few items.
 * @module
 */
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { InvalidStateError } from '../core/errors.js';
import { checkFunction, checkOptions, describe } from '../core/validate.js';
import { NEUTRAL_TO_CLOCK, Waiter } from '../core/waiter.js';
import { taskGroup } from './task-group.js';

/** Options of {@link map}. */
export interface MapOptions {
  /** How many calls of `fn` run at once (an integer ≥ 1, or Infinity: all at once). Default Infinity. */
  concurrency?: number;
  /** Failures stand in the result array instead of rejecting. Default false. */
  returnExceptions?: boolean;
}

/**
 * Calls `fn(item, index)` for each item with at most `concurrency` calls running at once and returns the
 * results in input order. Items are pulled lazily (an endless generator is fine): never more than
 * `concurrency` are started. The first failure cancels the running calls and is thrown (as `gather`);
 * cancelling the caller cancels them all.
 *
 * @example
 * ```ts
 * import { map, sleep } from 'asyncio-ts';
 * const pages = await map(async (id) => { await sleep(100); return `item-${id}`; }, [1, 2, 3, 4], {
 *   concurrency: 2,
 * }); // ['item-1', 'item-2', 'item-3', 'item-4'] after about 200 ms
 * ```
 */
export function map<T, R>(
  fn: (item: T, index: number) => PromiseLike<R> | R,
  items: Iterable<T> | AsyncIterable<T>,
  options?: MapOptions,
): Promise<R[]> {
  checkFunction(fn, 'fn', 'map');
  checkOptions(options, 'map');
  const concurrency = options?.concurrency ?? Number.POSITIVE_INFINITY;
  if (typeof concurrency !== 'number') {
    throw new TypeError(`map: options.concurrency must be a number, received ${describe(concurrency)}`);
  }
  if (concurrency !== Number.POSITIVE_INFINITY && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new RangeError(
      `map: options.concurrency must be an integer >= 1 or Infinity, received ${concurrency}`,
    );
  }
  const returnExceptions = options?.returnExceptions === true;
  // Checks items (TypeError) here, synchronously, like the other arguments.
  const source = openSource(items);
  return mapChecked(fn, items, source, concurrency, returnExceptions);
}

async function mapChecked<T, R>(
  fn: (item: T, index: number) => PromiseLike<R> | R,
  items: Iterable<T> | AsyncIterable<T>,
  source: Source<T>,
  concurrency: number,
  returnExceptions: boolean,
): Promise<R[]> {
  const results: R[] = [];
  let nextIndex = 0;
  let exhausted = false;

  // A worker starts with an item already pulled, so there are never more workers than items in flight.
  const worker = async (value: T, index: number): Promise<void> => {
    for (;;) {
      try {
        results[index] = await fn(value, index);
      } catch (err) {
        if (!returnExceptions) throw err;
        results[index] = err as R;
      }
      if (exhausted) return;
      const step = source.sync !== undefined ? source.sync.next() : await pullAsCheckpoint(source);
      if (step.done) {
        exhausted = true;
        return;
      }
      value = step.value;
      index = nextIndex++;
    }
  };

  let limit = concurrency;
  if (limit === Number.POSITIVE_INFINITY && !Array.isArray(items)) limit = 1024;
  try {
    await taskGroup(async (tg) => {
      tg.waitLabel = 'map';
      for (let workers = 0; workers < limit && !exhausted; workers++) {
        const step = source.sync !== undefined ? source.sync.next() : await pullAsCheckpoint(source);
        if (step.done) {
          exhausted = true;
          return;
        }
        const value = step.value;
        const index = nextIndex++;
        tg.createTask(() => worker(value, index));
      }
    });
  } finally {
    if (!exhausted) source.close();
  }
  results.length = nextIndex;
  return results;
}

/** @internal */
export interface Source<T> {
  sync: Iterator<T> | undefined;
  /** The next step of an async source; `started` is called when this pull's own `next()` call begins. */
  pullAsync(started?: () => void): Promise<IteratorResult<T>>;
  close(): void;
}

/**
 * Pulls the next step of an async source as a checkpoint of the calling task: a cancelled caller stops
 * waiting at once (the step is abandoned). For a virtual clock, a pull queued behind another one blocks on
 * the run; once its own `next()` runs it is neutral, like a plain `await`: an iterator that sleeps or waits on
 * a queue parks those waits in the pulling task (which then counts as blocked), and one that waits on foreign
 * I/O leaves the task runnable, so the clock does not jump past the I/O. @internal
 */
export function pullAsCheckpoint<T>(source: Source<T>): Promise<IteratorResult<T>> {
  const scope = storage.getStore();
  if (scope === undefined) return source.pullAsync();
  const cancelled = cancelledReason(scope);
  if (cancelled !== undefined) return Promise.reject(cancelled);
  const waiter = new Waiter<IteratorResult<T>>('map pull');
  waiter.park(scope, undefined);
  source
    .pullAsync(() => waiter.setClockRole(NEUTRAL_TO_CLOCK))
    .then(
      (step) => waiter.resolve(step),
      (err: unknown) => waiter.fail(err),
    );
  return waiter.promise;
}

/** @internal one lazy puller over a sync or async iterable; `where` names the caller in a TypeError. */
export function openSource<T>(items: Iterable<T> | AsyncIterable<T>, where = 'map'): Source<T> {
  if (
    items !== null &&
    typeof items === 'object' &&
    typeof (items as Iterable<T>)[Symbol.iterator] === 'function'
  ) {
    const iterator = (items as Iterable<T>)[Symbol.iterator]();
    return {
      sync: iterator,
      pullAsync: () => Promise.reject(new InvalidStateError(`${where}: synchronous source`)),
      close: () => void iterator.return?.(),
    };
  }
  if (
    items !== null &&
    typeof items === 'object' &&
    typeof (items as AsyncIterable<T>)[Symbol.asyncIterator] === 'function'
  ) {
    const iterator = (items as AsyncIterable<T>)[Symbol.asyncIterator]();
    // One next() in flight at a time: async iterators need not support concurrent pulls.
    let tail: Promise<unknown> = Promise.resolve();
    return {
      sync: undefined,
      pullAsync: (started) => {
        const step = tail.then(() => {
          started?.();
          return iterator.next();
        });
        tail = step.then(undefined, () => undefined);
        return step;
      },
      close: () => {
        void Promise.resolve(iterator.return?.()).catch(() => undefined);
      },
    };
  }
  throw new TypeError(`${where}: items must be an iterable or async iterable, received ${describe(items)}`);
}
