/**
 * The events asyncio-ts publishes on `node:diagnostics_channel`: task lifecycle and wait points. Debug mode,
 * tracing and third-party tools (an OpenTelemetry bridge, a metrics exporter) all listen to this one stream.
 *
 * The core publishes only behind each channel's `hasSubscribers` (as undici does): with no subscriber, a
 * task or a wait pays one predictable branch per event and allocates nothing. This module is a leaf (it
 * imports nothing from the package at run time), so the core can import it without a cycle.
 *
 * | channel | message | when |
 * | --- | --- | --- |
 * | `asyncio-ts:task:create` | {@link TaskCreateMessage} | a task is made (`createTask`, a task group, `gather`, `run`) |
 * | `asyncio-ts:task:start` | {@link TaskStartMessage} | its body starts running |
 * | `asyncio-ts:task:finish` | {@link TaskFinishMessage} | it is done (fulfilled, rejected or cancelled) |
 * | `asyncio-ts:wait:park` | {@link WaitParkMessage} | a library call starts waiting (`sleep`, `Lock.acquire`, `Queue.get`, …) |
 * | `asyncio-ts:wait:settle` | {@link WaitSettleMessage} | that wait ends (resolved, rejected or cancelled) |
 *
 * Messages are published synchronously from the code that caused them: `storage.getStore()` and
 * `currentTask()` inside a subscriber see that code's context.
 * @module
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Task } from './task.js';

/**
 * The names of the channels asyncio-ts publishes on.
 *
 * @example
 * ```ts
 * import diagnosticsChannel from 'node:diagnostics_channel';
 * import { channelNames, type TaskFinishMessage } from 'asyncio-ts/debug';
 * diagnosticsChannel.subscribe(channelNames.taskFinish, (message) => {
 *   const { task, state } = message as TaskFinishMessage;
 *   if (state === 'rejected') console.log(`task ${task.name} failed`);
 * });
 * ```
 */
export const channelNames = {
  taskCreate: 'asyncio-ts:task:create',
  taskStart: 'asyncio-ts:task:start',
  taskFinish: 'asyncio-ts:task:finish',
  waitPark: 'asyncio-ts:wait:park',
  waitSettle: 'asyncio-ts:wait:settle',
} as const;

/** A wait point as tools see it: what is waited for. */
export interface WaitPoint {
  /** What kind of wait: `'sleep'`, `'Lock.acquire'`, `'Queue.get'`, `'await task'`, `'gather'`, … */
  readonly label: string;
  /** One line with the detail, e.g. `'await task worker-3'` or `'GET http://127.0.0.1:8080/'`. */
  describe(): string;
}

/** Published on `asyncio-ts:task:create`. */
export interface TaskCreateMessage {
  readonly task: Task<unknown>;
  /** The task whose code created it (undefined outside every task). */
  readonly creator: Task<unknown> | undefined;
}

/** Published on `asyncio-ts:task:start`, just before the body runs. */
export interface TaskStartMessage {
  readonly task: Task<unknown>;
}

/** Published on `asyncio-ts:task:finish` when the task is done, before its done callbacks and awaiters run. */
export interface TaskFinishMessage {
  readonly task: Task<unknown>;
  readonly state: 'fulfilled' | 'rejected' | 'cancelled';
  /** The error (rejected) or the `CancelledError` (cancelled); undefined when fulfilled. */
  readonly error: unknown;
}

/** Published on `asyncio-ts:wait:park`. */
export interface WaitParkMessage {
  readonly wait: WaitPoint;
  /** The task that waits (undefined for a wait outside every task). */
  readonly task: Task<unknown> | undefined;
}

/** Published on `asyncio-ts:wait:settle`. The same `wait` object as in its park message. */
export interface WaitSettleMessage {
  readonly wait: WaitPoint;
  /** The task that waited; undefined outside tasks or if the wait left its scope first (rare: a cancelled `gather`). */
  readonly task: Task<unknown> | undefined;
  readonly outcome: 'resolved' | 'rejected' | 'cancelled';
}

/** @internal the channel objects, held strongly so that `hasSubscribers` stays a cheap check. */
export const taskCreateChannel: diagnosticsChannel.Channel = diagnosticsChannel.channel(
  channelNames.taskCreate,
);
/** @internal */
export const taskStartChannel: diagnosticsChannel.Channel = diagnosticsChannel.channel(
  channelNames.taskStart,
);
/** @internal */
export const taskFinishChannel: diagnosticsChannel.Channel = diagnosticsChannel.channel(
  channelNames.taskFinish,
);
/** @internal */
export const waitParkChannel: diagnosticsChannel.Channel = diagnosticsChannel.channel(channelNames.waitPark);
/** @internal */
export const waitSettleChannel: diagnosticsChannel.Channel = diagnosticsChannel.channel(
  channelNames.waitSettle,
);

/** @internal called by the core only when `taskCreateChannel.hasSubscribers`. */
export function publishTaskCreate(task: Task<unknown>, creator: Task<unknown> | undefined): void {
  const message: TaskCreateMessage = { task, creator };
  taskCreateChannel.publish(message);
}

/** @internal called by the core only when `taskStartChannel.hasSubscribers`. */
export function publishTaskStart(task: Task<unknown>): void {
  const message: TaskStartMessage = { task };
  taskStartChannel.publish(message);
}

/** @internal called by the core only when `taskFinishChannel.hasSubscribers`. */
export function publishTaskFinish(
  task: Task<unknown>,
  state: TaskFinishMessage['state'],
  error: unknown,
): void {
  const message: TaskFinishMessage = { task, state, error };
  taskFinishChannel.publish(message);
}

/** @internal called by the core only when `waitParkChannel.hasSubscribers`. */
export function publishWaitPark(wait: WaitPoint, task: Task<unknown> | undefined): void {
  const message: WaitParkMessage = { wait, task };
  waitParkChannel.publish(message);
}

/** @internal called by the core only when `waitSettleChannel.hasSubscribers`. */
export function publishWaitSettle(
  wait: WaitPoint,
  task: Task<unknown> | undefined,
  outcome: WaitSettleMessage['outcome'],
): void {
  const message: WaitSettleMessage = { wait, task, outcome };
  waitSettleChannel.publish(message);
}

// ---- waits that are not a Waiter ----------------------------------------------------------------------------

/**
 * @internal A wait that no `Waiter` stands for, published for tools only: a task group waiting for its
 * children (the task is blocked on them, not running). Made only while someone listens.
 */
export class PublishedWait implements WaitPoint {
  readonly label: string;
  private readonly detail: string | undefined;
  /** Filled by src/debug while it records the run (as on a `Waiter`). */
  debugInfo: unknown = undefined;
  constructor(label: string, detail: string | undefined) {
    this.label = label;
    this.detail = detail;
  }
  describe(): string {
    return this.detail ?? this.label;
  }
}

/** @internal publishes the start of a wait of `task`; undefined (nothing made) when nobody listens. */
export function openWait(
  label: string,
  detail: string | undefined,
  task: Task<unknown> | undefined,
): PublishedWait | undefined {
  if (!waitParkChannel.hasSubscribers) return undefined;
  const wait = new PublishedWait(label, detail);
  publishWaitPark(wait, task);
  return wait;
}

/** @internal publishes the end of a wait made by {@link openWait}. */
export function closeWait(wait: PublishedWait | undefined, task: Task<unknown> | undefined): void {
  if (wait !== undefined && waitSettleChannel.hasSubscribers) publishWaitSettle(wait, task, 'resolved');
}

// ---- never-awaited tracking (debug mode) -------------------------------------------------------------------

/** @internal makes a waiter's promise so that debug mode can tell whether anyone awaited it. */
export type PromiseFactory = <T>(
  executor: (resolve: (value: T) => void, reject: (reason: unknown) => void) => void,
  wait: WaitPoint,
) => Promise<T>;

/**
 * @internal set while a debug-mode run is active (src/debug/never-awaited.ts); the waiter constructor
 * checks it once: `undefined` means a plain `new Promise`.
 */
export let awaitTracker: PromiseFactory | undefined;

/** @internal */
export function setAwaitTracker(factory: PromiseFactory | undefined): void {
  awaitTracker = factory;
}
