/**
 * How a program built on `run()` ends when an error escapes it: the shell's status for a signal, one line
 * instead of a stack trace for a cancellation the program did not catch, and the task an uncaught error came
 * from.
 *
 * Everything goes through one `uncaughtExceptionMonitor` listener, installed on first use. A monitor never
 * changes what Node does with an error, so a program that catches the error, or another one, behaves
 * exactly as without asyncio-ts; only when Node is about to print an error we know and end the process, the
 * monitor ends it first (quietly, with the status the error stands for) or adds one line naming the task.
 * A program with its own `uncaughtException` listener keeps full control: then the monitor does nothing.
 * @module
 */
import { constants } from 'node:os';

/** An error that ends the process quietly with `status` when nobody catches it. */
interface QuietExit {
  readonly status: number;
  /** The one line printed instead of the stack trace, if any. */
  readonly line: string | undefined;
}

const quietExits = new WeakMap<object, QuietExit>();
/** A failed task's error → the task it came from (the first task that failed with it). */
const origins = new WeakMap<object, TaskOrigin>();
let monitoring = false;

/** Where an error came from, as the line printed before Node's report says it. @internal */
export interface TaskOrigin {
  readonly task: string;
  /** The task that owns the scope the task ran in (its task group's task), if any. */
  readonly owner: string | undefined;
  /** True when that scope is a task group. */
  readonly inGroup: boolean;
  /** True for a run's main task: its own error needs no line saying where it came from. */
  readonly isMain: boolean;
}

/** The exit status of a process stopped by `signal`, as a shell reports it (128 + its number). @internal */
export function signalStatus(signal: NodeJS.Signals): number {
  const number = (constants.signals as Record<string, number | undefined>)[signal];
  return 128 + (number ?? 0);
}

/**
 * Makes `error`, if nobody catches it, end the process with `status` after printing `line` (and no stack
 * trace). @internal
 */
export function exitQuietlyOnUncaught(error: unknown, status: number, line: string | undefined): void {
  if (typeof error !== 'object' || error === null) return;
  quietExits.set(error, { status, line });
  monitor();
}

/** Remembers which task `error` came from, unless an earlier task already failed with it. @internal */
export function noteTaskOrigin(error: unknown, origin: TaskOrigin): void {
  if (typeof error !== 'object' || error === null || origins.has(error)) return;
  origins.set(error, origin);
}

/** The task `error` came from, if a task failed with it. @internal */
export function taskOriginOf(error: unknown): TaskOrigin | undefined {
  return typeof error === 'object' && error !== null ? origins.get(error) : undefined;
}

/** One line naming the task `error` came from, or undefined. @internal */
export function describeOrigin(origin: TaskOrigin): string {
  const task = `task ${JSON.stringify(origin.task)}`;
  if (origin.owner === undefined) return task;
  return origin.inGroup
    ? `${task} (in a task group of task ${JSON.stringify(origin.owner)})`
    : `${task} (under task ${JSON.stringify(origin.owner)})`;
}

/** Installs the monitor (once per process; `run()` calls it). @internal */
export function monitor(): void {
  if (monitoring) return;
  monitoring = true;
  process.on('uncaughtExceptionMonitor', onUncaught);
}

function onUncaught(error: unknown): void {
  // With a listener of its own, the program decides what an uncaught error does; we stay out of it.
  if (process.listenerCount('uncaughtException') > 0) return;
  if (typeof error !== 'object' || error === null) return;
  const quiet = quietExits.get(error);
  if (quiet !== undefined) {
    if (quiet.line !== undefined) process.stderr.write(`${quiet.line}\n`);
    process.exit(quiet.status);
  }
  const origin = origins.get(error);
  if (origin !== undefined && !origin.isMain) {
    process.stderr.write(`asyncio-ts: uncaught error from ${describeOrigin(origin)}:\n`);
  }
}
