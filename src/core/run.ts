/**
 * `run(main)`: asyncio.run. Runs `main` as the task named `main`, then cancels and awaits every task of the
 * run still pending, calls the run's close hooks (e.g. the default thread pool) and reports failures that
 * nobody retrieved.
 * @module
 */

import type { Clock } from './clock.js';
import { SystemClock } from './clock.js';
import { storage } from './context.js';
import { DEADLOCK_EXIT_STATUS, watchForDeadlock } from './deadlock.js';
import { loadDebugLayer, type RunObserver } from './debug-hooks.js';
import { exitQuietlyOnUncaught, monitor, signalStatus } from './exit.js';
import { activeRuns, RunState } from './run-state.js';
import { reportRunUnretrieved, spawn, type Task } from './task.js';
import { checkFunction, checkMs, checkOptions, describe } from './validate.js';

/** Options of {@link run}. */
export interface RunOptions {
  /** Turns on debug checks (also `ASYNCIO_TS_DEBUG=1`). */
  debug?: boolean;
  /**
   * Signals whose first delivery cancels `main` so that its clean-up runs; a second delivery during the
   * clean-up ends the process at once. Default `['SIGINT', 'SIGTERM']` for an outermost run, none for a
   * nested one.
   */
  signals?: NodeJS.Signals[];
  /** The clock for sleeps and deadlines (default: `performance.now()`). */
  clock?: Clock;
  /**
   * Debug mode: a task that keeps the event loop busy longer than this many milliseconds in one go is
   * reported (asyncio's `slow_callback_duration`). Default 100.
   */
  slowCallbackMs?: number;
  /**
   * Prints the task tree to stderr each time the process receives this signal (e.g. `'SIGUSR2'`), so a
   * hung program can be asked what it waits for without stopping it. The handler is removed when `run` ends.
   */
  dumpOnSignal?: NodeJS.Signals;
  /**
   * Writes the run's task and wait spans to this file as Chrome Trace Event JSON (open it in Perfetto, or
   * draw it with `formatTimeline` / `timelineSvg`). Also `ASYNCIO_TS_TRACE=path`, which traces every run of
   * the process into one file.
   */
  trace?: string;
}

/**
 * Runs `main` as the task named `main` and settles with its outcome once every other task of this run is
 * done: tasks still pending when `main` ends are cancelled and awaited first.
 *
 * How a program ends: the first SIGINT or SIGTERM cancels `main`, so its `finally` blocks run, and `run`
 * rejects with that `CancelledError` and sets `process.exitCode` to 130 (SIGINT) or 143 (SIGTERM). If
 * nothing catches it, the process exits with that status after one line on stderr, without a stack trace;
 * a second signal during the clean-up exits at once. If the event loop empties while `main` is pending
 * (every task waits on something nothing can settle), the task tree is printed to stderr, `main` is
 * cancelled and the status is 1. An uncaught error that a task failed with is printed with a line naming
 * that task and its task group.
 *
 * @example
 * ```ts
 * import { run, sleep } from 'asyncio-ts';
 * const greeting = await run(async () => {
 *   await sleep(1000); // pretend to wait on I/O
 *   return 'Hello, asyncio!';
 * });
 * console.log(greeting);
 * ```
 */
export function run<T>(main: () => Promise<T>, options?: RunOptions): Promise<T> {
  // Bad arguments throw here, synchronously; everything after is the run itself.
  checkRunArguments(main, options);
  return runChecked(main, options);
}

function checkRunArguments(main: unknown, options: RunOptions | undefined): void {
  checkFunction(main, 'main', 'run');
  checkOptions(options, 'run');
  if (options === undefined) return;
  const { signals, clock, debug, slowCallbackMs, dumpOnSignal, trace } = options;
  if (signals !== undefined && !Array.isArray(signals))
    throw new TypeError(`run: options.signals must be an array, received ${describe(signals)}`);
  if (
    clock !== undefined &&
    (typeof clock !== 'object' ||
      clock === null ||
      typeof clock.now !== 'function' ||
      typeof clock.schedule !== 'function')
  ) {
    throw new TypeError(`run: options.clock must implement Clock, received ${describe(clock)}`);
  }
  if (debug !== undefined && typeof debug !== 'boolean')
    throw new TypeError(`run: options.debug must be a boolean, received ${describe(debug)}`);
  if (slowCallbackMs !== undefined) {
    checkMs(slowCallbackMs, 'options.slowCallbackMs', 'run');
    if (slowCallbackMs < 0)
      throw new RangeError(`run: options.slowCallbackMs must be >= 0, received ${slowCallbackMs}`);
  }
  if (dumpOnSignal !== undefined && (typeof dumpOnSignal !== 'string' || !dumpOnSignal.startsWith('SIG'))) {
    throw new TypeError(
      `run: options.dumpOnSignal must be a signal name, received ${describe(dumpOnSignal)}`,
    );
  }
  if (trace !== undefined && (typeof trace !== 'string' || trace === ''))
    throw new TypeError(`run: options.trace must be a file path, received ${describe(trace)}`);
}

async function runChecked<T>(main: () => Promise<T>, options: RunOptions | undefined): Promise<T> {
  const outer = storage.getStore();
  const signals =
    options?.signals ?? (outer === undefined ? (['SIGINT', 'SIGTERM'] as NodeJS.Signals[]) : []);
  // Its own system clock: when the run ends, timers its tasks left armed stop holding the process.
  const clock: Clock = options?.clock ?? new SystemClock();
  const debug = options?.debug ?? process.env.ASYNCIO_TS_DEBUG === '1';
  const slowCallbackMs = options?.slowCallbackMs ?? 100;
  const dumpOnSignal = options?.dumpOnSignal;
  const tracePath = options?.trace ?? (process.env.ASYNCIO_TS_TRACE || undefined);
  const state = new RunState(clock, debug);
  // Debug mode, tracing and the signal dump are the debug layer's, loaded only when asked for.
  let session: RunObserver | undefined;
  if (debug || tracePath !== undefined || dumpOnSignal !== undefined) {
    const layer = await loadDebugLayer();
    session = layer.attachRun(state, {
      name: main.name || 'main',
      debug,
      slowCallbackMs,
      trace: tracePath,
      traceShared: options?.trace === undefined,
      dumpOnSignal,
    });
  }
  activeRuns.add(state);
  clock.attach?.(state);

  // A nested run's main is cancelled with the task that called run().
  const mainTask: Task<T> = spawn(main, 'main', state, outer);
  state.main = mainTask;
  monitor();
  const name = main.name || 'main';
  /** How the run was ended from outside: the status (and line) an uncaught CancelledError exits with. */
  let ending: { status: number; line: string | undefined } | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    const status = signalStatus(signal);
    if (ending !== undefined) {
      process.stderr.write(`asyncio-ts: ${signal} again during clean-up; exiting at once\n`);
      process.exit(status);
    }
    ending = { status, line: `asyncio-ts: cancelled by ${signal}` };
    mainTask.cancel(`Cancelled by ${signal}`);
  };
  const removeHandlers = (): void => {
    for (const signal of signals) process.removeListener(signal, onSignal);
  };
  for (const signal of signals) process.on(signal, onSignal);
  const unwatch = watchForDeadlock(state, name, () => {
    ending ??= { status: DEADLOCK_EXIT_STATUS, line: undefined };
    mainTask.cancel(`run ${JSON.stringify(name)} can never finish: nothing can wake its tasks`);
  });

  try {
    await settled(mainTask);
    session?.beforeLeftovers();
    await cancelLeftovers(state);
  } finally {
    unwatch();
    removeHandlers();
    for (const hook of state.closeHooks.splice(0).reverse()) {
      try {
        await hook();
      } catch (err) {
        process.emitWarning(`A close hook of run() failed: ${String(err)}`, { type: 'AsyncioWarning' });
      }
    }
    clock.detach?.(state);
    activeRuns.delete(state);
    const reported = reportRunUnretrieved(state);
    session?.close();
    // Warnings are written a tick later: let them out before an error of main can end the process.
    if (reported) await new Promise<void>((resolve) => process.nextTick(resolve));
  }
  if (ending !== undefined && mainTask.cancelled()) {
    process.exitCode ??= ending.status;
    exitQuietlyOnUncaught(mainTask.outcome, ending.status, ending.line);
  }
  return mainTask.result();
}

/** Resolves when `task` is done, without being a checkpoint of the caller (run must not stop waiting). */
function settled(task: Task<unknown>): Promise<void> {
  if (task.done()) return Promise.resolve();
  return new Promise<void>((resolve) => task.addCallback({ onTaskDone: () => resolve() }, 0));
}

async function cancelLeftovers(state: RunState): Promise<void> {
  // Cancelled tasks may start new ones while they clean up: repeat until none is left (asyncio.run).
  while (state.pendingTasks > 0) {
    for (const task of state.tasks()) task.cancel('run() is ending: main has returned');
    await state.waitIdle();
  }
}
