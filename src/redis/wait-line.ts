/**
 * `WaitLine`: the callers of one Redis primitive in this process that wait, in arrival order. Only the head
 * asks the server (one script call); when the answer is "not yet", the line sleeps until a pub/sub message on
 * the primitive's channel (a release, a put, a get), the deadline the server named (a lease that runs out, a
 * token that comes due), or a reconnect. So waiting is pushed, not polled. A grant that reaches a waiter
 * cancelled in the meantime is given back on the server: a cancelled waiter consumes nothing.
 * @module
 */
import type { CancelScope } from '../core/cancel-scope.js';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { HOLDS_CLOCK, Waiter, WaiterQueue } from '../core/waiter.js';
import { type SignalOptions, signalOf } from '../sync/options.js';
import type { ActivePart, RedisConnection } from './connection.js';

/** What one attempt says: granted (with the value), or the milliseconds to sleep at most (Infinity: until woken). @internal */
export type Attempt<T> = { readonly value: T } | number;

/** @internal */
export class LineWaiter<T> extends Waiter<T> {
  readonly line: WaitLine<T>;
  /** What this call brings (a put's encoded item); the attempt reads it. */
  readonly payload: string;
  constructor(line: WaitLine<T>, label: string, payload: string) {
    super(label);
    this.line = line;
    this.payload = payload;
    // A Redis wait ends by I/O, not by this run's clock: a virtual clock must not jump past it.
    this.clockRole = HOLDS_CLOCK;
  }
  protected override detach(): void {
    this.line.wake();
  }
  protected override revoke(value: T): void {
    this.line.giveBack(value);
  }
}

/** @internal */
export class WaitLine<T> implements ActivePart {
  private readonly waiters = new WaiterQueue<LineWaiter<T>>();
  private running = false;
  /** Subscribed once for the connection's life (a reconnect resubscribes by itself). */
  private subscribed = false;
  /** Counts wake-ups, so one that lands while an attempt is in flight is not slept through. */
  private generation = 0;
  private wakeFn: (() => void) | undefined = undefined;
  private timer: NodeJS.Timeout | undefined = undefined;
  private readonly onMessage = (): void => {
    this.generation++;
    this.wake();
  };

  constructor(
    private readonly conn: RedisConnection,
    private readonly channel: string,
    private readonly attempt: (waiter: LineWaiter<T>) => Promise<Attempt<T>>,
    private readonly giveBackFn: (value: T) => void,
  ) {}

  get size(): number {
    return this.waiters.size;
  }

  /**
   * The opening of a waiting call on this line (`where` names it in errors): checks `options` and the
   * connection, throws nothing later than that, then is a checkpoint (a cancelled caller or an aborted
   * signal rejects at once) and queues the caller.
   */
  enter(where: string, options: SignalOptions | undefined): Promise<T> {
    const signal = signalOf(options, where);
    this.conn.check(where);
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    return this.wait(where, scope, signal);
  }

  /** Queues a waiter (its call already passed its checkpoint) and starts the line if it is idle. */
  wait(
    label: string,
    scope: CancelScope | undefined,
    signal: AbortSignal | undefined,
    payload = '',
  ): Promise<T> {
    const waiter = new LineWaiter<T>(this, label, payload);
    waiter.park(scope, signal);
    this.waiters.push(waiter);
    if (!this.running) void this.run();
    return waiter.promise;
  }

  /** Fails every waiter with `error` (a shutdown, a closed connection). */
  failAll(error: Error): void {
    for (let w = this.waiters.head; w !== undefined; w = this.waiters.head) w.fail(error);
    this.wake();
  }

  abort(error: Error): void {
    this.failAll(error);
  }

  resume(): void {
    this.onMessage();
  }

  giveBack(value: T): void {
    this.giveBackFn(value);
  }

  wake(): void {
    const fn = this.wakeFn;
    if (fn !== undefined) {
      this.wakeFn = undefined;
      clearTimeout(this.timer);
      this.timer = undefined;
      fn();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wakeFn = resolve;
      if (ms !== Number.POSITIVE_INFINITY)
        this.timer = setTimeout(() => this.wake(), Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    this.conn.activate(this);
    try {
      if (!this.subscribed) {
        try {
          await this.conn.subscribe(this.channel, this.onMessage);
          this.subscribed = true;
        } catch (err) {
          this.failAll(err as Error);
          return;
        }
      }
      for (let head = this.waiters.head; head !== undefined && !this.conn.closed; head = this.waiters.head) {
        const generation = this.generation;
        let outcome: Attempt<T>;
        try {
          outcome = await this.attempt(head);
        } catch (err) {
          // The connection gave up, or the primitive is shut down: the others would fail the same way. Anything
          // else (an item that cannot be decoded) is the head's alone.
          if (err instanceof TypeError) head.fail(err);
          else this.failAll(err as Error);
          continue;
        }
        if (typeof outcome !== 'number') {
          if (head.pending) head.grant(outcome.value);
          else this.giveBackFn(outcome.value);
          continue;
        }
        if (generation !== this.generation || this.waiters.head !== head) continue;
        await this.sleep(outcome);
      }
    } finally {
      this.running = false;
      this.conn.deactivate(this);
      // A waiter queued while the loop was ending must not be stranded.
      if (this.waiters.head !== undefined && !this.conn.closed) void this.run();
    }
  }
}
