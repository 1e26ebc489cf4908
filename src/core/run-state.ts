/**
 * The state of one `run()`: its clock, its pending tasks (an intrusive list: no Set insert per task), the
 * failed tasks whose exception nobody retrieved yet, and hooks to call when it ends (the executor's pool).
 * Tasks created outside every `run()` belong to the process-wide {@link globalRun}.
 * @module
 */
import type { Clock, ClockRun } from './clock.js';
import { systemClock } from './clock.js';
import { LinkedList } from './linked-list.js';
import type { Task } from './task.js';

/** @internal */
export class RunState implements ClockRun {
  readonly clock: Clock;
  readonly debug: boolean;
  /** Pending tasks of this run (not started or running), oldest first. */
  readonly pending = new LinkedList<Task<unknown>>();
  /**
   * Tasks parked in at least one library waiter that only the clock or another task can settle (see
   * `Waiter.clockRole`). A task that ended with such a waiter still parked stays counted, so this may
   * exceed the blocked pending tasks: a virtual clock confirms by walking the tasks before it jumps.
   */
  blockedTasks = 0;
  /** Parked waiters that hold a virtual clock (foreign I/O, a checkpoint's yield, a thread job). */
  clockHolds = 0;
  /** Failed tasks whose exception has not been retrieved; reported when the run ends. */
  readonly unretrieved = new Set<Task<unknown>>();
  /** Called, in order, when the run ends (after its tasks are done). */
  readonly closeHooks: Array<() => void | Promise<void>> = [];
  /**
   * The debug / trace / `dumpOnSignal` session of this run (a `RunSession` of src/debug), set before its
   * main task is made; undefined for a plain run. The core only stores it.
   */
  session: object | undefined = undefined;
  /** The run's main task, once made. */
  main: Task<unknown> | undefined = undefined;
  /** Resolves `waitIdle()` when the last pending task finishes. */
  private idleResolve: (() => void) | undefined = undefined;
  readonly isGlobal: boolean;

  constructor(clock: Clock, debug: boolean, isGlobal = false) {
    this.clock = clock;
    this.debug = debug;
    this.isGlobal = isGlobal;
  }

  /** Number of pending tasks. */
  get pendingTasks(): number {
    return this.pending.size;
  }

  add(task: Task<unknown>): void {
    this.pending.push(task);
  }

  remove(task: Task<unknown>): void {
    this.pending.remove(task);
    if (this.pending.size === 0 && this.idleResolve !== undefined) {
      const resolve = this.idleResolve;
      this.idleResolve = undefined;
      resolve();
    }
  }

  /**
   * Counts `task` as blocked while it waits, outside any `Waiter`, for other tasks of the run (a task group
   * waiting for its children). Pair with {@link unblock}.
   */
  block(task: Task<unknown>): void {
    if (task.parkedWaits++ === 0) this.blockedTasks++;
  }

  /** Ends a {@link block}. */
  unblock(task: Task<unknown>): void {
    if (--task.parkedWaits === 0) this.blockedTasks--;
  }

  /** The pending tasks, oldest first. */
  tasks(): Task<unknown>[] {
    const out: Task<unknown>[] = [];
    for (let t = this.pending.head; t !== undefined; t = t.next) out.push(t);
    return out;
  }

  /** Resolves when no task of this run is pending. */
  waitIdle(): Promise<void> {
    if (this.pendingTasks === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const previous = this.idleResolve;
      this.idleResolve =
        previous === undefined
          ? resolve
          : () => {
              previous();
              resolve();
            };
    });
  }
}

/** Tasks created outside every `run()`. */
export const globalRun: RunState = new RunState(systemClock, false, true);

/** Runs currently in progress (for `allTasks()` outside a run). */
export const activeRuns: Set<RunState> = new Set<RunState>();
