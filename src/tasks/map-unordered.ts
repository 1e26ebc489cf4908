/**
 * `mapUnordered(fn, items, { concurrency })`: `map` as a stream. Results are yielded as the calls finish
 * (p-map's `pMapIterable`, asyncio's `as_completed` over a bounded pool), so the first result is available as
 * soon as any call is done and a huge input never has all its results in memory. Worker tasks pull items
 * lazily, as `map`'s do; a finished result waits in a buffer of at most `concurrency` entries, so workers
 * never run further ahead of the consumer than that.
 * @module
 */
import { makeCancelledError } from '../core/cancel-scope.js';
import { Future } from '../core/future.js';
import { createTask, type Task } from '../core/task.js';
import { checkFunction, checkOptions, describe } from '../core/validate.js';
import { openSource, pullAsCheckpoint, type Source } from './map.js';

/** Options of {@link mapUnordered}. */
export interface MapUnorderedOptions {
  /**
   * How many calls of `fn` run at once (an integer >= 1, or Infinity). Default 16: unlike `map`, the input
   * may be endless and the consumer slow, so the default is bounded.
   */
  concurrency?: number;
}

/**
 * Calls `fn(item, index)` for each item, at most `concurrency` at once, and yields each result as soon as its
 * call finishes (completion order, not input order: keep `index` in the result if you need it). Items are
 * pulled lazily; a worker does not start another call while `concurrency` results wait unread. The first
 * failure cancels the calls still running and is thrown from the loop; leaving the loop early (`break`,
 * `return`, an error in its body) or cancelling the consuming task cancels the calls still running and waits
 * for them before the loop exits.
 *
 * @example
 * ```ts
 * import { mapUnordered, run, sleep } from 'asyncio-ts';
 * await run(async () => {
 *   const slowFirst = [30, 10, 20];
 *   for await (const ms of mapUnordered((ms: number) => sleep(ms, ms), slowFirst, { concurrency: 3 })) {
 *     console.log(ms); // 10, then 20, then 30
 *   }
 * });
 * ```
 */
export function mapUnordered<T, R>(
  fn: (item: T, index: number) => PromiseLike<R> | R,
  items: Iterable<T> | AsyncIterable<T>,
  options?: MapUnorderedOptions,
): AsyncIterable<R> {
  checkFunction(fn, 'fn', 'mapUnordered');
  checkOptions(options, 'mapUnordered');
  const concurrency = options?.concurrency ?? 16;
  if (typeof concurrency !== 'number') {
    throw new TypeError(
      `mapUnordered: options.concurrency must be a number, received ${describe(concurrency)}`,
    );
  }
  if (concurrency !== Number.POSITIVE_INFINITY && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new RangeError(
      `mapUnordered: options.concurrency must be an integer >= 1 or Infinity, received ${concurrency}`,
    );
  }
  if (
    items === null ||
    typeof items !== 'object' ||
    (typeof (items as Iterable<T>)[Symbol.iterator] !== 'function' &&
      typeof (items as AsyncIterable<T>)[Symbol.asyncIterator] !== 'function')
  ) {
    throw new TypeError(
      `mapUnordered: items must be an iterable or async iterable, received ${describe(items)}`,
    );
  }
  return { [Symbol.asyncIterator]: () => stream(fn, openSource(items, 'mapUnordered'), concurrency) };
}

async function* stream<T, R>(
  fn: (item: T, index: number) => PromiseLike<R> | R,
  source: Source<T>,
  concurrency: number,
): AsyncGenerator<R, void, undefined> {
  const buffer: R[] = [];
  const workers = new Set<Task<void>>();
  let nextIndex = 0;
  let exhausted = false;
  let failure: { error: unknown } | undefined;
  /** Resolved when the consumer has something to look at (a result, a failure, the end). */
  let ready: Future<void> | undefined;
  /** Resolved when the consumer took a result, for workers waiting on a full buffer. */
  let space: Future<void> | undefined;
  // Infinity as a worker count would start a worker per item up front for an endless source.
  const limit = concurrency === Number.POSITIVE_INFINITY ? 1024 : concurrency;

  const wake = (): void => {
    const future = ready;
    ready = undefined;
    if (future !== undefined && !future.done()) future.setResult(undefined);
  };
  const pull = async (): Promise<IteratorResult<T>> =>
    source.sync !== undefined ? source.sync.next() : await pullAsCheckpoint(source);

  const worker = async (): Promise<void> => {
    for (;;) {
      while (buffer.length >= limit) {
        space ??= new Future<void>();
        await space;
      }
      if (exhausted || failure !== undefined) return;
      const step = await pull();
      if (step.done) {
        exhausted = true;
        return;
      }
      buffer.push(await fn(step.value, nextIndex++));
      wake();
    }
  };

  const onWorkerDone = (task: Task<void>): void => {
    workers.delete(task);
    if (task.state === 'rejected' && failure === undefined) {
      failure = { error: task.outcome };
      for (const other of workers) other.cancel();
    }
    wake();
  };

  try {
    for (let i = 0; i < limit; i++) {
      const task = createTask(worker, { name: 'mapUnordered worker' });
      workers.add(task);
      task.addDoneCallback(onWorkerDone);
    }
    for (;;) {
      if (failure !== undefined) throw failure.error;
      if (buffer.length > 0) {
        const result = buffer.shift() as R;
        const free = space;
        space = undefined;
        if (free !== undefined && !free.done()) free.setResult(undefined);
        yield result;
        continue;
      }
      if (workers.size === 0) return;
      ready = new Future<void>();
      await ready;
    }
  } finally {
    if (!exhausted) source.close();
    await stopAll(workers);
  }
}

/** Cancels the workers still running and waits for them without a checkpoint (the consumer may be cancelled). */
async function stopAll(workers: Set<Task<void>>): Promise<void> {
  const running = [...workers];
  for (const task of running) task.cancel(makeCancelledError(undefined, 'mapUnordered: the loop ended'));
  await Promise.all(
    running.map(
      (task) =>
        new Promise<void>((resolve) => {
          task.addDoneCallback(() => resolve());
        }),
    ),
  );
}
