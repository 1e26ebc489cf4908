/**
 * `waitAllTasksBlocked()`: trio's `wait_all_tasks_blocked`, for tests that step concurrent code without
 * sleeping: resolves once every other task of the run waits on the library (a lock, a queue, a sleep on the
 * clock, another task) and none awaits foreign I/O.
 * @module
 */
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import type { RunState } from '../core/run-state.js';
import { currentRun } from '../core/task.js';
import { checkOptions, checkSignal } from '../core/validate.js';
import { Waiter } from '../core/waiter.js';
import { allTasksBlocked, IdlePoller } from './run-idle.js';

/** Options of {@link waitAllTasksBlocked}. */
export interface WaitAllTasksBlockedOptions {
  /** Rejects the wait with `signal.reason` when it aborts. */
  signal?: AbortSignal;
}

/** The pending calls of one run and the poller that wakes them all at once. */
class Watchers {
  readonly waiters = new Set<Waiter<void>>();
  readonly poller: IdlePoller;
  constructor(run: RunState) {
    // The callers' own waits count as blocked, so "every task blocked" includes them: it means every
    // *other* task is blocked too.
    this.poller = new IdlePoller(
      () => allTasksBlocked(run),
      () => this.wakeAll(run),
    );
  }
  wakeAll(run: RunState): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    watchersByRun.delete(run);
    for (const waiter of waiters) waiter.resolve(undefined);
  }
}

const watchersByRun = new WeakMap<RunState, Watchers>();

/** True while a `waitAllTasksBlocked()` of `run` is pending (a virtual clock does not jump meanwhile). @internal */
export function hasBlockedWatchers(run: RunState): boolean {
  return watchersByRun.has(run);
}

class BlockedWaiter extends Waiter<void> {
  private readonly watchers: Watchers;
  private readonly run: RunState;
  constructor(watchers: Watchers, run: RunState) {
    super('waitAllTasksBlocked');
    this.watchers = watchers;
    this.run = run;
  }
  protected override detach(): void {
    const watchers = this.watchers;
    watchers.waiters.delete(this);
    if (watchers.waiters.size === 0) {
      watchers.poller.stop();
      watchersByRun.delete(this.run);
    }
  }
}

/**
 * Waits until every other task of the current run is blocked on a library wait (a sleep or deadline on
 * the clock, a lock, an event, a queue, another task) and nothing is in flight that ends by itself (a
 * `cancellable()` promise, a `checkpoint()`); a task awaiting a plain foreign promise holds it until that
 * settles. Checked after the microtask queue drains, twice in a row. While it waits, a
 * {@link VirtualClock} does not autojump, so a test sees the state just before time moves. A checkpoint.
 *
 * @example
 * ```ts
 * import { createTask, Future, run } from 'asyncio-ts';
 * import { waitAllTasksBlocked } from 'asyncio-ts/testing';
 * await run(async () => {
 *   const ready = new Future<string>();
 *   const waiter = createTask(async () => `got ${await ready}`);
 *   await waitAllTasksBlocked(); // the waiter now sits in `await ready`
 *   ready.setResult('it');
 *   console.log(await waiter); // 'got it'
 * });
 * ```
 */
export function waitAllTasksBlocked(options?: WaitAllTasksBlockedOptions): Promise<void> {
  let signal: AbortSignal | undefined;
  if (options !== undefined) {
    checkOptions(options, 'waitAllTasksBlocked');
    signal = options.signal;
    checkSignal(signal, 'waitAllTasksBlocked');
  }
  const scope = storage.getStore();
  const cancelled = cancelledReason(scope, signal);
  if (cancelled !== undefined) return Promise.reject(cancelled);
  const run = currentRun();
  let watchers = watchersByRun.get(run);
  if (watchers === undefined) {
    watchers = new Watchers(run);
    watchersByRun.set(run, watchers);
  }
  const waiter = new BlockedWaiter(watchers, run);
  waiter.park(scope, signal);
  watchers.waiters.add(waiter);
  watchers.poller.arm();
  return waiter.promise;
}
