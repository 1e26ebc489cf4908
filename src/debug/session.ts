/**
 * What `run(main, { debug, trace, dumpOnSignal })` attaches to its run, through the core's debug hooks
 * (src/core/debug-hooks.ts): a plain run loads none of it.
 *
 * A session is a subscriber of the diagnostics channels (the same stream third-party tools get): while
 * any session is open, the five channels have a subscriber, and each event is routed to the session of
 * the task's run (`RunState.session`); events of other runs are ignored. Per task and per wait it keeps a
 * record (timestamps, creator, creation stack in debug mode) that the task tree, the trace and the warnings
 * read.
 * @module
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import {
  channelNames,
  type TaskCreateMessage,
  type TaskFinishMessage,
  type TaskStartMessage,
  type WaitParkMessage,
  type WaitSettleMessage,
} from '../core/channels.js';
import type { RunObserver, RunSessionOptions } from '../core/debug-hooks.js';
import type { RunState } from '../core/run-state.js';
import { spawn, type Task } from '../core/task.js';
import type { Waiter } from '../core/waiter.js';
import {
  acquireBlockingDetector,
  discount,
  onTaskStart,
  releaseBlockingDetector,
} from './blocking-detector.js';
import { captureStack, type StackHolder } from './creation-site.js';
import { acquireAwaitTracking, releaseAwaitTracking, watchFinishedTask } from './never-awaited.js';
import { TaskRecord, WaitRecord } from './records.js';
import { formatRunTree } from './task-tree.js';
import { RunTrace } from './trace.js';
import { sharedTraceWriter, TraceWriter } from './trace-writer.js';

/** The debug, trace and dump state of one run. @internal */
export class RunSession implements RunObserver {
  readonly run: RunState;
  readonly name: string;
  readonly debug: boolean;
  readonly slowCallbackMs: number;
  readonly trace: RunTrace | undefined;
  private readonly dumpSignal: NodeJS.Signals | undefined;
  private closed = false;

  constructor(run: RunState, options: RunSessionOptions) {
    this.run = run;
    this.name = options.name;
    this.debug = options.debug;
    this.slowCallbackMs = options.slowCallbackMs;
    const path = options.trace;
    if (path !== undefined) {
      const writer = options.traceShared ? sharedTraceWriter(path) : new TraceWriter(path);
      this.trace = new RunTrace(writer, options.name, options.traceShared);
    }
    this.dumpSignal = options.dumpOnSignal;
  }

  /** Prints the run's task tree to stderr (the `dumpOnSignal` handler). */
  readonly dump = (): void => {
    const title = `asyncio-ts: task tree of run ${JSON.stringify(this.name)} (pid ${process.pid})`;
    process.stderr.write(`${formatRunTree(this.run, title)}\n`);
  };

  open(): void {
    if (this.dumpSignal !== undefined) process.on(this.dumpSignal, this.dump);
    if (this.debug) {
      acquireBlockingDetector(this.slowCallbackMs, thresholdOf);
      acquireAwaitTracking();
    }
    subscribe();
  }

  /** Debug mode: lists the tasks still pending when main has returned, before `run()` cancels them. */
  beforeLeftovers(): void {
    if (!this.debug || this.run.pendingTasks === 0) return;
    const title = `run ${JSON.stringify(this.name)} is ending: main has returned; cancelling the tasks still pending`;
    process.emitWarning(formatRunTree(this.run, title), {
      type: 'AsyncioWarning',
      code: 'ASYNCIO_TS_PENDING_AT_RUN_END',
    });
  }

  /** The run has ended: writes the trace out and lets go of every hook. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.dumpSignal !== undefined) process.removeListener(this.dumpSignal, this.dump);
    if (this.debug) {
      releaseBlockingDetector();
      releaseAwaitTracking();
    }
    unsubscribe();
    this.trace?.end();
    if (this.run.session === this) this.run.session = undefined;
  }
}

/**
 * Attaches debug mode, tracing and/or the signal dump to `run` before its main task is made. Throws if
 * the trace file cannot be opened. @internal
 */
export function attachRunSession(run: RunState, options: RunSessionOptions): RunSession {
  const session = new RunSession(run, options);
  run.session = session;
  session.open();
  return session;
}

function sessionOf(task: Task<unknown>): RunSession | undefined {
  return task.run.session as RunSession | undefined;
}

function thresholdOf(task: Task<unknown>): number | undefined {
  const session = sessionOf(task);
  return session?.debug ? session.slowCallbackMs : undefined;
}

// ---- channel subscribers ----------------------------------------------------------------------------------

let subscribers = 0;

function subscribe(): void {
  if (subscribers++ > 0) return;
  diagnosticsChannel.subscribe(channelNames.taskCreate, onTaskCreate);
  diagnosticsChannel.subscribe(channelNames.taskStart, onTaskStartMessage);
  diagnosticsChannel.subscribe(channelNames.taskFinish, onTaskFinish);
  diagnosticsChannel.subscribe(channelNames.waitPark, onWaitPark);
  diagnosticsChannel.subscribe(channelNames.waitSettle, onWaitSettle);
}

function unsubscribe(): void {
  if (--subscribers > 0) return;
  diagnosticsChannel.unsubscribe(channelNames.taskCreate, onTaskCreate);
  diagnosticsChannel.unsubscribe(channelNames.taskStart, onTaskStartMessage);
  diagnosticsChannel.unsubscribe(channelNames.taskFinish, onTaskFinish);
  diagnosticsChannel.unsubscribe(channelNames.waitPark, onWaitPark);
  diagnosticsChannel.unsubscribe(channelNames.waitSettle, onWaitSettle);
}

function onTaskCreate(message: unknown): void {
  const { task, creator } = message as TaskCreateMessage;
  const session = sessionOf(task);
  if (session === undefined) return;
  // Every task is made by `spawn`: frames from there on are ours (and would hold the task alive).
  let stack: StackHolder | undefined;
  if (session.debug) {
    const since = performance.now();
    stack = captureStack(spawn);
    discount(since);
  }
  const parentId = task.parent?.task?.id ?? 0;
  task.debugInfo = new TaskRecord(performance.now(), creator, parentId, stack);
}

function onTaskStartMessage(message: unknown): void {
  const { task } = message as TaskStartMessage;
  onTaskStart(task);
}

function onTaskFinish(message: unknown): void {
  const { task, state, error } = message as TaskFinishMessage;
  const record = task.debugInfo as TaskRecord | undefined;
  if (record === undefined) return;
  record.creator = undefined;
  const session = sessionOf(task);
  if (session === undefined) return;
  session.trace?.task(task, record, state, error, performance.now());
  if (session.debug) watchFinishedTask(task, record, state);
}

function onWaitPark(message: unknown): void {
  const { wait, task } = message as WaitParkMessage;
  if (task === undefined) return;
  const record = task.debugInfo as TaskRecord | undefined;
  if (record === undefined || sessionOf(task) === undefined) return;
  const waiter = wait as Waiter<unknown>;
  const waitRecord = new WaitRecord(performance.now(), waiter, task);
  waiter.debugInfo = waitRecord;
  record.addWait(waitRecord);
}

function onWaitSettle(message: unknown): void {
  const { wait, outcome } = message as WaitSettleMessage;
  const waiter = wait as Waiter<unknown>;
  const waitRecord = waiter.debugInfo as WaitRecord | undefined;
  if (waitRecord === undefined) return;
  waiter.debugInfo = undefined;
  const task = waitRecord.task;
  const record = task.debugInfo as TaskRecord;
  record.removeWait(waitRecord);
  sessionOf(task)?.trace?.wait(waitRecord, record, outcome, performance.now());
}
