/**
 * When is a run idle? Shared by {@link VirtualClock}'s autojump and `waitAllTasksBlocked()`: every pending
 * task of the run is parked in a library waiter that only the clock or another task can settle, and no wait
 * that ends by itself (foreign I/O through `cancellable`, a checkpoint's yield, a thread job) is pending.
 * A task awaiting a plain foreign promise is parked in no waiter, so it keeps the run busy until it settles.
 * @module
 * @internal
 */
import type { ClockRun } from '../core/clock.js';
import type { RunState } from '../core/run-state.js';

/** The run behind the `ClockRun` a clock is attached to (the core passes its `RunState`). @internal */
export function asRunState(run: ClockRun): RunState | undefined {
  const state = run as Partial<RunState>;
  return typeof state.blockedTasks === 'number' && typeof state.clockHolds === 'number'
    ? (run as RunState)
    : undefined;
}

/**
 * True when every pending task of `run` is blocked on a library wait and nothing holds the clock. The
 * counters decide cheaply when the answer is no; a yes is confirmed by walking the tasks, because a task
 * that ended with an abandoned waiter still parked stays counted in `blockedTasks`.
 * @internal
 */
export function allTasksBlocked(run: RunState): boolean {
  if (run.clockHolds > 0 || run.pendingTasks === 0 || run.blockedTasks < run.pendingTasks) return false;
  for (let task = run.pending.head; task !== undefined; task = task.next) {
    if (task.parkedWaits === 0) return false;
  }
  return true;
}

/** Busy checks made on `setImmediate` (cheap to react to a quick change) before falling back to a timer. */
const IMMEDIATE_CHECKS = 8;
/** The polling period once a run stays busy (a task awaits foreign I/O): short, but not a busy loop. */
const BUSY_POLL_MS = 1;

/**
 * Calls `onIdle` once `isIdle()` has held on two consecutive checks (so I/O callbacks that were ready in
 * between had their turn), checking after the microtask queue drains: on `setImmediate`, then every
 * millisecond while the answer stays no. Nothing in the core notifies a change, so this polls; it runs
 * only while armed, and `stop()` clears every handle.
 * @internal
 */
export class IdlePoller {
  private readonly isIdle: () => boolean;
  private readonly onIdle: () => void;
  private immediate: NodeJS.Immediate | undefined = undefined;
  private timer: NodeJS.Timeout | undefined = undefined;
  private busyChecks = 0;
  private sawIdle = false;
  private readonly check = (): void => this.onCheck();

  constructor(isIdle: () => boolean, onIdle: () => void) {
    this.isIdle = isIdle;
    this.onIdle = onIdle;
  }

  /** True while a check is pending. */
  get armed(): boolean {
    return this.immediate !== undefined || this.timer !== undefined;
  }

  /** Starts checking (again) from a fresh state, unless a check is already pending. */
  arm(): void {
    if (this.armed) return;
    this.busyChecks = 0;
    this.sawIdle = false;
    this.immediate = setImmediate(this.check);
  }

  stop(): void {
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.immediate = this.timer = undefined;
  }

  private onCheck(): void {
    this.immediate = this.timer = undefined;
    if (this.isIdle()) {
      if (this.sawIdle) {
        this.sawIdle = false;
        this.onIdle();
        return;
      }
      this.sawIdle = true;
      this.immediate = setImmediate(this.check);
      return;
    }
    this.sawIdle = false;
    if (++this.busyChecks <= IMMEDIATE_CHECKS) this.immediate = setImmediate(this.check);
    else this.timer = setTimeout(this.check, BUSY_POLL_MS);
  }
}
