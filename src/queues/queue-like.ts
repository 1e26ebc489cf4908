/**
 * `QueueLike`: what `Queue` and `RedisQueue` share (DESIGN §11). Members that may go to a server return
 * `T | Promise<T>`, so `await q.getNowait()` is right for both.
 * @module
 */
import { QueueShutDown } from '../core/errors.js';
import type { SignalOptions } from '../sync/options.js';

/**
 * A FIFO work queue with backpressure, `taskDone`/`join` accounting and shutdown.
 *
 * @example
 * ```ts
 * declare function crawl(url: string): Promise<void>;
 * import { Queue, type QueueLike } from 'asyncio-ts';
 * async function consume(q: QueueLike<string>) {
 *   for await (const url of q) { await crawl(url); await q.taskDone(); }
 * }
 * await consume(new Queue<string>()); // or new RedisQueue<string>(redis, 'urls')
 * ```
 */
export interface QueueLike<T> extends AsyncIterable<T> {
  /** Puts an item, waiting while the queue is full. */
  put(item: T, options?: SignalOptions): Promise<void>;
  /** Takes the next item, waiting while the queue is empty. */
  get(options?: SignalOptions): Promise<T>;
  /** Puts without waiting; `QueueFull` when full. */
  putNowait(item: T): void | Promise<void>;
  /** Takes without waiting; `QueueEmpty` when empty. */
  getNowait(): T | Promise<T>;
  /** Marks one item taken by the caller as processed. */
  taskDone(): void | Promise<void>;
  /** Waits until every item put has been marked done. */
  join(options?: SignalOptions): Promise<void>;
  /** Items waiting in the queue. */
  qsize(): number | Promise<number>;
  /** Stops puts (and with `immediate`, drops the items left); gets drain, then throw `QueueShutDown`. */
  shutdown(immediate?: boolean): void | Promise<void>;
}

/**
 * Yields `queue.get()`'s items until the queue is shut down and drained (its `QueueShutDown` ends the loop): the
 * body of `for await` over a `Queue` and a `RedisQueue` alike.
 * @internal
 */
export async function* itemsUntilShutDown<T>(queue: {
  get(): Promise<T>;
}): AsyncGenerator<T, void, undefined> {
  for (;;) {
    let item: T;
    try {
      item = await queue.get();
    } catch (err) {
      if (err instanceof QueueShutDown) return;
      throw err;
    }
    yield item;
  }
}
