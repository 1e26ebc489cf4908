/**
 * `RedisQueue<T>`: a work queue shared by every process using the key, delivering each item at least once.
 * @module
 */

import type { CancelScope } from '../core/cancel-scope.js';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { QueueEmpty, QueueFull, QueueShutDown } from '../core/errors.js';
import { checkInteger, checkOptions, describe } from '../core/validate.js';
import { itemsUntilShutDown, type QueueLike } from '../queues/queue-like.js';
import { type SignalOptions, signalOf } from '../sync/options.js';
import type { RedisConnection } from './connection.js';
import { LeaseKeeper } from './lease-keeper.js';
import { ACK, GET, JOIN, PUT, RENEW, SHUTDOWN, UNGET } from './queue-scripts.js';
import { checkConnection, checkKey, checkLeaseMs } from './validate.js';
import { type Attempt, type LineWaiter, WaitLine } from './wait-line.js';

/** How items become strings on the server and back. */
export interface RedisQueueCodec<T> {
  encode(item: T): string;
  decode(text: string): T;
}

/** Options of {@link RedisQueue}. */
export interface RedisQueueOptions<T> {
  /** The most items waiting in the queue (delivered ones do not count), an integer >= 0; 0 is unbounded. */
  maxsize?: number;
  /**
   * How long a delivered item stays invisible to other consumers if its consumer stops renewing it (dies)
   * before `taskDone()`, in milliseconds (default 30 000). A live consumer's deliveries are renewed.
   */
  visibilityMs?: number;
  /** Item encoding (default JSON). */
  codec?: RedisQueueCodec<T>;
}

const JSON_CODEC: RedisQueueCodec<unknown> = {
  encode: (item) => {
    const text = JSON.stringify(item);
    if (text === undefined) throw new TypeError(`item cannot be encoded as JSON, received ${describe(item)}`);
    return text;
  },
  decode: (text) => JSON.parse(text) as unknown,
};

/** The delivery a getter is granted: the server's id and the decoded item. */
interface Delivery<T> {
  readonly id: string;
  readonly item: T;
  readonly owner: object;
}

const NO_TASK = {};
function noop(): void {}

/**
 * A FIFO queue on Redis with the shape of `Queue`: `put`/`get`, `putNowait`/`getNowait`, `taskDone`/`join`,
 * `shutdown` and `for await`. Every process using the key shares it. Delivery is at least once: an item
 * taken by a consumer that dies before `taskDone()` is delivered again after `visibilityMs` (a live
 * consumer's delivery is renewed, however long it works). `taskDone()` acknowledges the oldest item the
 * calling task got from this queue object and has not acknowledged yet, so the classic loop works unchanged.
 *
 * Differences from `Queue` (the calls that reach the server return promises): `putNowait`, `getNowait`,
 * `qsize` and `shutdown` return promises; `taskDone()` returns one too (awaiting it is optional). A shutdown
 * is stored on the server: it holds for every process using the key, until the keys are deleted.
 *
 * @example
 * ```ts
 * declare function crawl(url: string): Promise<void>;
 * import { connectRedis, RedisQueue } from 'asyncio-ts/redis';
 * await using redis = await connectRedis();
 * const jobs = new RedisQueue<{ url: string }>(redis, 'jobs', { maxsize: 1000, visibilityMs: 60_000 });
 * // consumer, in any number of processes:
 * for await (const job of jobs) {
 *   await crawl(job.url);
 *   jobs.taskDone();
 * }
 * ```
 */
export class RedisQueue<T> implements QueueLike<T> {
  /** The key given to the constructor. */
  readonly key: string;
  /** The most items waiting in the queue; 0 is unbounded. */
  readonly maxsize: number;
  /** How long a delivery lasts unrenewed, in milliseconds. */
  readonly visibilityMs: number;
  /** @internal */
  private readonly conn: RedisConnection;
  /** @internal */
  private readonly codec: RedisQueueCodec<T>;
  /** @internal items data inflight unfinished seq state */
  private readonly k: readonly [string, string, string, string, string, string];
  /** @internal */
  private readonly channel: string;
  /** @internal */
  private readonly getters: WaitLine<Delivery<T>>;
  /** @internal */
  private readonly putters: WaitLine<void>;
  /** @internal */
  private readonly joiners: WaitLine<void>;
  /** @internal */
  private readonly keeper: LeaseKeeper;
  /** @internal per task (or NO_TASK), the delivery ids it holds, oldest first. */
  private readonly held = new WeakMap<object, string[]>();

  /**
   * @param redis the connection.
   * @param key the name shared by every process.
   * @param options `maxsize`, `visibilityMs`, `codec`.
   */
  constructor(redis: RedisConnection, key: string, options?: RedisQueueOptions<T>) {
    this.conn = checkConnection(redis, 'RedisQueue');
    this.key = checkKey(key, 'RedisQueue');
    checkOptions(options, 'RedisQueue');
    const maxsize = options?.maxsize ?? 0;
    checkInteger(maxsize, 'options.maxsize', 'RedisQueue', 0);
    this.maxsize = maxsize;
    this.visibilityMs = checkLeaseMs(options?.visibilityMs ?? 30_000, 'options.visibilityMs', 'RedisQueue');
    const codec = options?.codec ?? (JSON_CODEC as RedisQueueCodec<T>);
    if (
      typeof codec !== 'object' ||
      codec === null ||
      typeof codec.encode !== 'function' ||
      typeof codec.decode !== 'function'
    ) {
      throw new TypeError(
        `RedisQueue: options.codec must have encode and decode functions, received ${describe(codec)}`,
      );
    }
    this.codec = codec;
    const base = `asyncio-ts:queue:{${key}}`;
    this.k = [
      `${base}:items`,
      `${base}:data`,
      `${base}:inflight`,
      `${base}:unfinished`,
      `${base}:seq`,
      `${base}:state`,
    ];
    this.channel = `${base}:events`;
    this.getters = new WaitLine<Delivery<T>>(
      this.conn,
      this.channel,
      (w) => this.attemptGet(w),
      (d) => this.unget(d),
    );
    this.putters = new WaitLine<void>(this.conn, this.channel, (w) => this.attemptPut(w.payload), noop);
    this.joiners = new WaitLine<void>(this.conn, this.channel, () => this.attemptJoin(), noop);
    this.keeper = new LeaseKeeper(
      this.conn,
      Math.max(1, Math.floor(this.visibilityMs / 3)),
      (ids) =>
        this.conn.run(RENEW, [this.k[2]], [this.visibilityMs, ...ids], 'RedisQueue.renew') as Promise<
          string[]
        >,
    );
  }

  /**
   * Puts `item`, waiting while the queue holds `maxsize` items. A checkpoint; a cancelled put adds nothing.
   * Rejects with `QueueShutDown` once the queue is shut down.
   *
   * @example
   * ```ts
   * declare const jobs: RedisQueue<{ url: string }>;
   * await jobs.put({ url: 'https://example.com/' });
   * ```
   */
  put(item: T, options?: SignalOptions): Promise<void> {
    const where = 'RedisQueue.put';
    const signal = signalOf(options, where);
    this.conn.check(where);
    const payload = this.encode(item, where);
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    return this.putters.wait(where, scope, signal, payload);
  }

  /**
   * Puts `item` if there is room: rejects with `QueueFull` if not, `QueueShutDown` after a shutdown.
   *
   * @example
   * ```ts
   * declare const jobs: RedisQueue<{ url: string }>;
   * declare const job: { url: string };
   * await jobs.putNowait(job).catch((err) => { if (!(err instanceof QueueFull)) throw err; });
   * ```
   */
  async putNowait(item: T): Promise<void> {
    this.conn.check('RedisQueue.putNowait');
    const outcome = await this.attemptPut(this.encode(item, 'RedisQueue.putNowait'));
    if (outcome !== undefined && typeof outcome === 'number') throw new QueueFull();
  }

  /**
   * Takes the next item, waiting while the queue is empty. A checkpoint; an item granted to a get that is
   * cancelled goes back to the head of the queue. Rejects with `QueueShutDown` once the queue is shut down
   * and empty (or at once after `shutdown(true)`). Call `taskDone()` when the item is processed.
   *
   * @example
   * ```ts
   * declare const jobs: RedisQueue<{ url: string }>;
   * const job = await jobs.get({ signal: AbortSignal.timeout(5000) });
   * ```
   */
  get(options?: SignalOptions): Promise<T> {
    return this.getters.enter('RedisQueue.get', options).then(itemOf);
  }

  /**
   * Takes the next item if there is one: rejects with `QueueEmpty` if not (`QueueShutDown` after a shutdown).
   *
   * @example
   * ```ts
   * declare const jobs: RedisQueue<{ url: string }>;
   * const job = await jobs.getNowait().catch(() => undefined);
   * ```
   */
  async getNowait(): Promise<T> {
    this.conn.check('RedisQueue.getNowait');
    const outcome = await this.take(storage.getStore());
    if (typeof outcome === 'number') throw new QueueEmpty();
    return outcome.value.item;
  }

  /**
   * Acknowledges the oldest item that the calling task got from this queue object and has not acknowledged:
   * it will not be delivered again, and counts as done for `join()`. Throws `RangeError` at once if the task
   * holds none. The returned promise settles when the server has it; awaiting it is optional.
   *
   * @example
   * ```ts
   * declare const jobs: RedisQueue<{ url: string }>;
   * declare function handle(job: { url: string }): Promise<void>;
   * const job = await jobs.get();
   * await handle(job);
   * jobs.taskDone();
   * ```
   */
  taskDone(): Promise<void> {
    const owner = storage.getStore()?.task ?? NO_TASK;
    const ids = this.held.get(owner);
    const id = ids?.shift();
    if (id === undefined) {
      throw new RangeError(
        'RedisQueue.taskDone: the calling task holds no item of this queue that is not done',
      );
    }
    this.keeper.delete(id);
    const done = this.conn.closed
      ? Promise.resolve()
      : this.conn.run(ACK, this.k.slice(0, 4), [id, this.channel], 'RedisQueue.taskDone').then(noop);
    done.catch(noop);
    return done;
  }

  /**
   * Waits until every item put has been acknowledged with `taskDone()` (by any process). A checkpoint.
   *
   * @example
   * ```ts
   * declare const jobs: RedisQueue<{ url: string }>;
   * declare const urls: string[];
   * for (const url of urls) await jobs.put({ url });
   * await jobs.join();
   * ```
   */
  join(options?: SignalOptions): Promise<void> {
    return this.joiners.enter('RedisQueue.join', options);
  }

  /**
   * The number of items waiting in the queue (delivered, unacknowledged ones are not counted).
   *
   * @example
   * ```ts
   * declare const jobs: RedisQueue<{ url: string }>;
   * console.log(`${await jobs.qsize()} jobs waiting`);
   * ```
   */
  async qsize(): Promise<number> {
    this.conn.check('RedisQueue.qsize');
    return await this.conn.client.llen(this.k[0]);
  }

  /**
   * Shuts the queue down for every process (asyncio 3.13 semantics): puts reject with `QueueShutDown`, gets
   * drain what is left and then reject. With `immediate`, the items waiting are dropped (counting as done for
   * `join()`) and every get rejects at once. Deliveries in progress still need their `taskDone()`.
   *
   * @example
   * ```ts
   * declare const jobs: RedisQueue<{ url: string }>;
   * await jobs.shutdown();
   * ```
   */
  async shutdown(immediate = false): Promise<void> {
    if (typeof immediate !== 'boolean') {
      throw new TypeError(
        `RedisQueue.shutdown: immediate must be a boolean, received ${describe(immediate)}`,
      );
    }
    this.conn.check('RedisQueue.shutdown');
    const keys = [this.k[0], this.k[1], this.k[3], this.k[5]];
    await this.conn.run(SHUTDOWN, keys, [immediate ? '1' : '0', this.channel], 'RedisQueue.shutdown');
  }

  /**
   * Yields items (`get()`) until the queue is shut down and drained. The loop body calls `taskDone()`.
   *
   * @example
   * ```ts
   * declare const jobs: RedisQueue<{ url: string }>;
   * declare function handle(job: { url: string }): Promise<void>;
   * for await (const job of jobs) { await handle(job); jobs.taskDone(); }
   * ```
   */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return itemsUntilShutDown(this);
  }

  /** @internal */
  private encode(item: T, where: string): string {
    let text: unknown;
    try {
      text = this.codec.encode(item);
    } catch (err) {
      throw new TypeError(`${where}: item: ${(err as Error).message}`, { cause: err });
    }
    if (typeof text !== 'string')
      throw new TypeError(`${where}: options.codec.encode must return a string, received ${describe(text)}`);
    return text;
  }

  /** @internal undefined when put, a number when full; throws QueueShutDown. */
  private async attemptPut(payload: string): Promise<Attempt<void>> {
    const keys = [this.k[0], this.k[1], this.k[3], this.k[4], this.k[5]];
    const r = Number(await this.conn.run(PUT, keys, [payload, this.maxsize, this.channel], 'RedisQueue.put'));
    if (r === -1) throw new QueueShutDown();
    return r === 1 ? { value: undefined } : Number.POSITIVE_INFINITY;
  }

  /** @internal */
  private attemptGet(waiter: LineWaiter<Delivery<T>>): Promise<Attempt<Delivery<T>>> {
    return this.take(waiter.scope);
  }

  /** @internal one GET on the server, recorded for the task of `scope`. */
  private async take(scope: CancelScope | undefined): Promise<Attempt<Delivery<T>>> {
    const keys = [this.k[0], this.k[1], this.k[2], this.k[5]];
    const r = (await this.conn.run(
      GET,
      keys,
      [this.visibilityMs, this.channel, this.maxsize > 0 ? '1' : '0'],
      'RedisQueue.get',
    )) as [1, string, string] | [0, number] | [-1];
    if (r[0] === -1) throw new QueueShutDown();
    if (r[0] === 0) return r[1] < 0 ? Number.POSITIVE_INFINITY : r[1] + 1;
    const id = r[1];
    const owner = scope?.task ?? NO_TASK;
    let item: T;
    try {
      item = this.codec.decode(r[2]);
    } catch (err) {
      // Undecodable: acknowledge it so it is not redelivered forever, and say so.
      await this.conn.run(ACK, this.k.slice(0, 4), [id, this.channel], 'RedisQueue.get');
      throw new TypeError(`RedisQueue.get: an item could not be decoded: ${(err as Error).message}`, {
        cause: err,
      });
    }
    this.keeper.add(id);
    let ids = this.held.get(owner);
    if (ids === undefined) this.held.set(owner, (ids = []));
    ids.push(id);
    return { value: { id, item, owner } };
  }

  /** @internal a delivery its getter could not take goes back to the head. */
  private unget(d: Delivery<T>): void {
    const ids = this.held.get(d.owner);
    const i = ids?.indexOf(d.id) ?? -1;
    if (i >= 0) ids?.splice(i, 1);
    this.keeper.delete(d.id);
    this.conn.run(UNGET, [this.k[0], this.k[2]], [d.id, this.channel], 'RedisQueue.get').catch(noop);
  }

  /** @internal */
  private async attemptJoin(): Promise<Attempt<void>> {
    const r = Number(await this.conn.run(JOIN, [this.k[3]], [], 'RedisQueue.join'));
    return r === 0 ? { value: undefined } : Number.POSITIVE_INFINITY;
  }
}

function itemOf<T>(d: Delivery<T>): T {
  return d.item;
}
