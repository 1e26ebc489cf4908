/**
 * `map(fn, items, { concurrency })`: bounded concurrency without a semaphore or a task per job.
 * Up to `concurrency` worker tasks in a task group pull items lazily from one iterator; a worker is started
 * only for an item already pulled, so a huge `concurrency` costs nothing for a few items.
 * @module
 */
import { InvalidStateError } from '../core/errors.js';
import { checkFunction, checkOptions, describe } from '../core/validate.js';
import { cancellable } from './cancellable.js';
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
      const step = source.sync !== undefined ? source.sync.next() : await cancellable(source.pullAsync());
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
        const step = source.sync !== undefined ? source.sync.next() : await cancellable(source.pullAsync());
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
  pullAsync(): Promise<IteratorResult<T>>;
  close(): void;
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
      pullAsync: () => {
        const step = tail.then(() => iterator.next());
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
