/**
 * The one waiter mechanism under every waiting call (sleep, await of a task or future, lock and semaphore
 * acquire, queue get/put, condition and event wait): a promise plus its links into
 *  - the cancel scope of the code that waits (so a cancel rejects it without any listener), and
 *  - optionally a FIFO {@link WaiterQueue} owned by a primitive.
 *
 * Grants are tentative until the waiting code could resume: `grant(value)` parks the waiter in a batch that
 * one microtask finalises. A cancellation that lands in between (for example in the same synchronous turn as
 * the release) rejects the waiter and calls `revoke(value)`, so the primitive hands the lock, permit or item
 * on to the next waiter (DESIGN principle 5: nothing is lost to a race).
 * @module
 */

import { subscribe, unsubscribe } from './abort-subscribers.js';
import type { CancelScope } from './cancel-scope.js';
import {
  awaitTracker,
  publishWaitPark,
  publishWaitSettle,
  waitParkChannel,
  waitSettleChannel,
} from './channels.js';
import { LinkedList } from './linked-list.js';
import type { Task } from './task.js';

/** @internal What debug mode, tracing and `dumpOnSignal` keep per wait (src/debug fills it). */
export interface WaitDebugInfo {
  /** `performance.now()` when the wait was parked: the task tree's "since when". */
  readonly since: number;
}

const WAITING = 0;
const GRANTED = 1;
const SETTLED = 2;

/** A wait that ends through the run: its task counts as blocked (see {@link Waiter.clockRole}). @internal */
export const BLOCKS_CLOCK = 0;
/** A wait that ends without the run: a virtual clock does not jump while it is parked. @internal */
export const HOLDS_CLOCK = 1;
/** A wait for a promise that may wait on the run itself: neither of the above. @internal */
export const NEUTRAL_TO_CLOCK = 2;
/** @internal */
export type ClockRole = typeof BLOCKS_CLOCK | typeof HOLDS_CLOCK | typeof NEUTRAL_TO_CLOCK;

/** Counts a parked wait of `role` in its task's run, for a virtual clock's idle check; {@link countOut} undoes it. */
function countIn(task: Task<unknown>, role: ClockRole): void {
  if (role === BLOCKS_CLOCK) task.run.block(task);
  else if (role === HOLDS_CLOCK) task.run.clockHolds++;
}

function countOut(task: Task<unknown>, role: ClockRole): void {
  if (role === BLOCKS_CLOCK) task.run.unblock(task);
  else if (role === HOLDS_CLOCK) task.run.clockHolds--;
}

/**
 * The executor of every waiter's promise: one shared function that hands the resolving functions over through
 * two module slots (a promise runs its executor synchronously), instead of a closure over the waiter made per
 * wait, which was one allocation of each sleep, acquire or get.
 */
let capturedResolve: ((value: unknown) => void) | undefined;
let capturedReject: ((reason: unknown) => void) | undefined;
function captureResolvers(resolve: (value: never) => void, reject: (reason: unknown) => void): void {
  capturedResolve = resolve as (value: unknown) => void;
  capturedReject = reject;
}

/** @internal */
export class Waiter<T> {
  readonly promise: Promise<T>;
  // Typed loosely so that Waiter<T> is assignable to Waiter<unknown> (the links below).
  private resolveFn!: (value: unknown) => void;
  private rejectFn!: (reason: unknown) => void;
  /** 0 waiting, 1 granted (not yet delivered), 2 settled. */
  state: 0 | 1 | 2 = WAITING;
  /** The granted value while `state` is GRANTED. */
  value: T | undefined = undefined;
  scope: CancelScope | undefined = undefined;
  scopePrev: Waiter<unknown> | undefined = undefined;
  scopeNext: Waiter<unknown> | undefined = undefined;
  signal: AbortSignal | undefined = undefined;
  /** The primitive's queue this waiter is in (its links are `prev`/`next`), to leave it when it settles. */
  queue: WaiterQueue<Waiter<unknown>> | undefined = undefined;
  prev: Waiter<unknown> | undefined = undefined;
  next: Waiter<unknown> | undefined = undefined;
  /**
   * What the wait means to a virtual clock (`asyncio-ts/testing`), set before `park`. {@link BLOCKS_CLOCK}
   * (the default): the wait ends through the run (its clock, another task), so its task counts as blocked.
   * {@link HOLDS_CLOCK}: it ends without them (foreign I/O through `cancellable`, a checkpoint's yield, a
   * worker-thread job), so the clock does not jump while it is parked. {@link NEUTRAL_TO_CLOCK}: it waits for
   * a promise that may itself wait on the run (a pull from an async generator in `map`), so, as for a plain
   * `await`, its task counts as blocked only through the waits that promise parks in it.
   */
  clockRole: ClockRole = BLOCKS_CLOCK;
  /** Set by src/debug only while a debug, trace or dump session records this run; undefined otherwise. */
  debugInfo: WaitDebugInfo | undefined = undefined;

  /**
   * What is being waited for, for humans and tools (the task tree, tracing): e.g. `'Lock.acquire'`,
   * `'Queue.get'`, `'sleep'`. Subclasses may override {@link describe} to add detail.
   */
  readonly label: string;

  constructor(label = 'wait') {
    this.label = label;
    // Debug mode swaps in a promise that notices whether it is ever awaited (one branch when off).
    const tracker = awaitTracker;
    this.promise =
      tracker === undefined ? new Promise<T>(captureResolvers) : tracker<T>(captureResolvers, this);
    this.resolveFn = capturedResolve!;
    this.rejectFn = capturedReject!;
    capturedResolve = capturedReject = undefined;
  }

  /** A one-line description of the wait, e.g. `'sleep 500 ms'`. */
  describe(): string {
    return this.label;
  }

  /** Links the waiter into `scope` (cancelled with it) and `signal` (rejected with its reason). */
  park(scope: CancelScope | undefined, signal: AbortSignal | undefined): void {
    if (scope !== undefined) {
      this.scope = scope;
      const task = scope.task;
      if (task !== undefined) {
        countIn(task, this.clockRole);
      }
      const head = scope.waiterHead;
      this.scopeNext = head;
      if (head !== undefined) head.scopePrev = this as Waiter<unknown>;
      scope.waiterHead = this as Waiter<unknown>;
    }
    if (signal !== undefined) {
      this.signal = signal;
      subscribe(signal, this);
    }
    if (waitParkChannel.hasSubscribers) publishWaitPark(this, scope?.task);
  }

  /**
   * Changes what the wait means to a virtual clock while it is parked (a `map` pull queued behind another
   * one blocks on the run; once its own `next()` starts, it is {@link NEUTRAL_TO_CLOCK}). @internal
   */
  setClockRole(role: ClockRole): void {
    const old = this.clockRole;
    if (old === role) return;
    this.clockRole = role;
    const task = this.scope?.task;
    if (task === undefined) return;
    countOut(task, old);
    countIn(task, role);
  }

  /** Unlinks from the scope and the signal (the waiter stays pending). */
  protected unpark(): void {
    const scope = this.scope;
    if (scope !== undefined) {
      const task = scope.task;
      if (task !== undefined) {
        countOut(task, this.clockRole);
      }
      const prev = this.scopePrev;
      const next = this.scopeNext;
      if (prev !== undefined) prev.scopeNext = next;
      else scope.waiterHead = next;
      if (next !== undefined) next.scopePrev = prev;
      this.scope = this.scopePrev = this.scopeNext = undefined;
    }
    const signal = this.signal;
    if (signal !== undefined) {
      unsubscribe(signal, this);
      this.signal = undefined;
    }
  }

  /** `AbortSignal` listener: the waiting call's own `{ signal }` aborted. */
  handleEvent(): void {
    const signal = this.signal;
    if (signal !== undefined) this.cancel(signal.reason);
  }

  /** True while the waiter can still be resolved, rejected or granted. */
  get pending(): boolean {
    return this.state === WAITING;
  }

  /** Delivers `value` now (nothing to hand back if the waiter is cancelled before it resumes). */
  resolve(value: T): boolean {
    if (this.state !== WAITING) return false;
    this.state = SETTLED;
    if (waitSettleChannel.hasSubscribers) publishWaitSettle(this, this.scope?.task, 'resolved');
    this.unpark();
    this.leaveQueue();
    this.resolveFn(value);
    return true;
  }

  /** Rejects now with `error`. */
  fail(error: unknown): boolean {
    if (this.state !== WAITING) return false;
    this.state = SETTLED;
    if (waitSettleChannel.hasSubscribers) publishWaitSettle(this, this.scope?.task, 'rejected');
    this.unpark();
    this.leaveQueue();
    this.rejectFn(error);
    return true;
  }

  /** Grants `value` tentatively: delivered in a microtask unless a cancellation comes first. */
  grant(value: T): void {
    if (this.state !== WAITING) throw new Error('asyncio-ts internal error: grant to a settled waiter');
    this.state = GRANTED;
    this.value = value;
    this.leaveQueue();
    deliverWithGrants(this);
  }

  /** Rejects with `reason` because the scope or signal was cancelled; hands back a grant not yet delivered. */
  cancel(reason: unknown): void {
    const state = this.state;
    if (state === SETTLED) return;
    this.state = SETTLED;
    if (waitSettleChannel.hasSubscribers) publishWaitSettle(this, this.scope?.task, 'cancelled');
    this.unpark();
    if (state === GRANTED) {
      const value = this.value as T;
      this.value = undefined;
      this.revoke(value);
    } else {
      this.leaveQueue();
      this.detach();
    }
    this.rejectFn(reason);
  }

  /** Called when a waiting (not granted) waiter is cancelled: remove it from timers etc. */
  protected detach(): void {}

  /** Called when a granted value could not be delivered: hand it to the next waiter. */
  protected revoke(_value: T): void {}

  private leaveQueue(): void {
    const queue = this.queue;
    if (queue !== undefined) queue.remove(this as Waiter<unknown>);
  }

  /** @internal finalises a grant. */
  deliver(): void {
    if (this.state !== GRANTED) return;
    const scopeReason = this.scope?.cancelReason;
    if (scopeReason !== undefined) {
      this.cancel(scopeReason);
      return;
    }
    const signal = this.signal;
    if (signal?.aborted) {
      this.cancel(signal.reason);
      return;
    }
    const value = this.value as T;
    this.value = undefined;
    this.state = SETTLED;
    if (waitSettleChannel.hasSubscribers) publishWaitSettle(this, this.scope?.task, 'resolved');
    this.unpark();
    this.resolveFn(value);
  }
}

/** What a batch delivers: a granted waiter, or the resolution of a caller nothing can cancel. */
interface Deliverable {
  deliver(): void;
}

let pendingGrants: Deliverable[] = [];
let grantsScheduled = false;
/**
 * Schedules the batch as a promise reaction rather than with `queueMicrotask`, which in Node wraps every call
 * in an async resource: same microtask queue and order, about 20% less time per grant on a contended queue.
 */
const grantsTick: Promise<void> = Promise.resolve();

function deliverGrants(): void {
  // Grants made while delivering (a revoke hands on) join the next batch, a microtask later.
  const batch = pendingGrants;
  pendingGrants = [];
  grantsScheduled = false;
  for (let i = 0; i < batch.length; i++) batch[i]!.deliver();
}

/**
 * True while grants made in this turn wait for their microtask. A caller that nothing can cancel could be
 * resolved at once, but then it would resume before those granted ahead of it: it must queue behind them
 * ({@link deliverWithGrants}) to keep first come, first served.
 * @internal
 */
export function grantsPending(): boolean {
  return pendingGrants.length !== 0;
}

/** Calls `deliverable.deliver()` with the pending batch of grants, after those already in it. @internal */
export function deliverWithGrants(deliverable: Deliverable): void {
  pendingGrants.push(deliverable);
  if (!grantsScheduled) {
    grantsScheduled = true;
    grantsTick.then(deliverGrants);
  }
}

/**
 * A FIFO list of waiters with O(1) push, shift and removal from the middle (a cancelled waiter leaves at
 * once, so a queue never holds dead entries). Shared by every primitive in `src/sync` and `src/queues`. The
 * core's {@link LinkedList}, plus the waiter's `queue` field, so that a settling waiter leaves the queue it is
 * in (and only that one) without the primitive's help.
 * @internal
 */
export class WaiterQueue<W extends Waiter<unknown>> extends LinkedList<W> {
  override push(waiter: W): void {
    waiter.queue = this as unknown as WaiterQueue<Waiter<unknown>>;
    super.push(waiter);
  }

  /** Puts a waiter at the head (used to give a revoked grant's place back in order). */
  override unshift(waiter: W): void {
    waiter.queue = this as unknown as WaiterQueue<Waiter<unknown>>;
    super.unshift(waiter);
  }

  override remove(waiter: W): void {
    if (waiter.queue !== (this as unknown as WaiterQueue<Waiter<unknown>>)) return;
    waiter.queue = undefined;
    super.remove(waiter);
  }
}
