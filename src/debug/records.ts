/**
 * What a debug, trace or dump session keeps per task and per wait of the runs it records: timestamps, the
 * creator, the creation stack (debug mode), and each task's open waits (an intrusive list: the task tree
 * finds waits that no scope walk reaches, such as those inside `shield()`). Nothing here exists for a run
 * that no session records.
 * @module
 */
import { LinkedList } from '../core/linked-list.js';
import type { Task, TaskDebugInfo } from '../core/task.js';
import type { WaitDebugInfo, Waiter } from '../core/waiter.js';
import { discount } from './blocking-detector.js';
import { firstUserFrame, frameLocation, type StackHolder, userFrames } from './creation-site.js';

/** @internal */
export class TaskRecord implements TaskDebugInfo {
  /** Debug mode watches a finished task with an unretrieved value through this flag (never-awaited.ts). */
  watch: { retrieved: boolean } | undefined = undefined;
  private wasRetrieved = false;
  /** `performance.now()` at creation. */
  readonly createdAt: number;
  /** The task whose code created this one; dropped when this task finishes (no chain of old tasks). */
  creator: Task<unknown> | undefined;
  readonly creatorId: number;
  /** The task owning the enclosing scope at creation (a task group's task), 0 if none. */
  readonly parentId: number;
  /** The waits parked now, most recent first. */
  readonly openWaits = new LinkedList<WaitRecord>();
  /** Trace lanes (bit i: lane i) used by open waits; lane 0 is the task's own row. */
  busyLanes = 0;
  /** Trace lanes whose name was written. */
  namedLanes = 0;
  private stackHolder: StackHolder | undefined;
  private formattedStack: string | undefined = undefined;

  constructor(
    createdAt: number,
    creator: Task<unknown> | undefined,
    parentId: number,
    stackHolder: StackHolder | undefined,
  ) {
    this.createdAt = createdAt;
    this.creator = creator;
    this.creatorId = creator?.id ?? 0;
    this.parentId = parentId;
    this.stackHolder = stackHolder;
  }

  /** Set by the core when the task's outcome is observed. */
  get retrieved(): boolean {
    return this.wasRetrieved;
  }
  set retrieved(value: boolean) {
    this.wasRetrieved = value;
    if (this.watch !== undefined) this.watch.retrieved = value;
  }

  /** The user frames where the task was created (debug mode), formatted on first read. */
  get creationStack(): string | undefined {
    const holder = this.stackHolder;
    if (holder !== undefined) {
      const since = performance.now();
      this.formattedStack = userFrames(holder);
      this.stackHolder = undefined;
      discount(since);
    }
    return this.formattedStack || undefined;
  }

  /** The first user frame of the creation stack, e.g. `main (test/x.test.ts:3:5)`, for warnings. */
  get frame(): string | undefined {
    const stack = this.creationStack;
    return stack === undefined ? undefined : firstUserFrame(stack);
  }

  /** Where the task was created, e.g. `test/x.test.ts:3:5`, for the task tree and traces. */
  get site(): string | undefined {
    const frame = this.frame;
    return frame === undefined ? undefined : frameLocation(frame);
  }

  /** Links an open wait and gives it the lowest trace lane that no other open wait of the task uses. */
  addWait(wait: WaitRecord): void {
    let lane = 0;
    while ((this.busyLanes & (1 << lane)) !== 0 && lane < 30) lane++;
    wait.lane = lane;
    this.busyLanes |= 1 << lane;
    this.openWaits.unshift(wait);
  }

  removeWait(wait: WaitRecord): void {
    this.openWaits.remove(wait);
    this.busyLanes &= ~(1 << wait.lane);
  }
}

/** @internal */
export class WaitRecord implements WaitDebugInfo {
  readonly since: number;
  readonly waiter: Waiter<unknown>;
  readonly task: Task<unknown>;
  lane = 0;
  prev: WaitRecord | undefined = undefined;
  next: WaitRecord | undefined = undefined;

  constructor(since: number, waiter: Waiter<unknown>, task: Task<unknown>) {
    this.since = since;
    this.waiter = waiter;
    this.task = task;
  }
}
