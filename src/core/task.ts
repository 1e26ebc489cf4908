/**
 * Tasks: a body run concurrently, with its own cancel scope (the task is its own root scope).
 *
 * A task starts in a copy of its creator's AsyncLocalStorage context (asyncio copies `contextvars`): the start
 * is a promise reaction queued inside `storage.run(task, …)`, so the reaction carries every store of the
 * creator plus the task as the current scope. Completion goes through two shared `.then` handlers that find
 * their task with `storage.getStore()`: no closure per task.
 * @module
 */

import { inspect } from 'node:util';
import { subscribe, unsubscribe } from './abort-subscribers.js';
import { CancelScope, makeCancelledError } from './cancel-scope.js';
import { cancelledReason } from './cancelled.js';
import {
  publishTaskCreate,
  publishTaskFinish,
  publishTaskStart,
  taskCreateChannel,
  taskFinishChannel,
  taskStartChannel,
} from './channels.js';
import { storage } from './context.js';
import { CancelledError, InvalidStateError, isCancellation, isCausedBy } from './errors.js';
import { noteTaskOrigin } from './exit.js';
import { activeRuns, globalRun, type RunState } from './run-state.js';
import { checkFunction, checkOptions, checkSignal, describe } from './validate.js';
import { Waiter } from './waiter.js';

/** @internal What debug mode, tracing and `dumpOnSignal` keep per task (src/debug fills it). */
export interface TaskDebugInfo {
  /** The stack where the task was created (debug mode only), for warnings. */
  readonly creationStack: string | undefined;
  /** Set once the outcome was observed, so that a collected task can be reported as never awaited. */
  retrieved: boolean;
}

/** A callback given to {@link Task.addDoneCallback}. */
export type DoneCallback<T> = (task: Task<T>) => void;

/** Internal completion observer: no closure, with a numeric tag (e.g. an index in `gather`). @internal */
export interface TaskObserver {
  onTaskDone(task: Task<unknown>, tag: number): void;
  /**
   * True for an observer that only reacts to the task ending and never looks at its outcome (an HTTP
   * response released when its task ends): it does not count as retrieving the task's exception.
   */
  readonly passive?: boolean;
}

type Callback = DoneCallback<never> | TaskObserver;

const NOT_STARTED = 0;
const RUNNING = 1;
const FULFILLED = 2;
const REJECTED = 3;
const CANCELLED = 4;
type TaskStateCode = 0 | 1 | 2 | 3 | 4;

/** The states a task goes through, as `Task.state` reports them. */
export type TaskState = 'scheduled' | 'running' | 'fulfilled' | 'rejected' | 'cancelled';
const STATE_NAMES: readonly TaskState[] = ['scheduled', 'running', 'fulfilled', 'rejected', 'cancelled'];

let nextTaskId = 1;

/** Options of {@link createTask}. */
export interface CreateTaskOptions {
  /** A name shown in warnings, `inspect()` and the task tree. Default `Task-<n>`. */
  name?: string;
  /** Cancels the task when it aborts. */
  signal?: AbortSignal;
}

/**
 * A running body: asyncio's `Task`. Await it (a checkpoint) for its value; `cancel()` it to make every
 * checkpoint inside it throw `CancelledError` until the body ends.
 *
 * @example
 * ```ts
 * import { createTask, sleep } from 'asyncio-ts';
 * const task = createTask(async () => { await sleep(100); return 42; }, { name: 'answer' });
 * console.log(await task); // 42
 * ```
 */
export class Task<T> extends CancelScope implements PromiseLike<T> {
  /** @internal */ readonly id: number;
  /** @internal */ private readonly givenName: string | undefined;
  /** @internal */ stateCode: TaskStateCode = NOT_STARTED;
  /** @internal the body until it starts. */ fn: (() => PromiseLike<T> | T) | undefined;
  /** @internal the value, the error or the CancelledError, once done. */ outcome: unknown = undefined;
  /** @internal */ readonly run: RunState;
  /** @internal links in the run's list of pending tasks (`RunState.pending`). */ prev:
    | Task<unknown>
    | undefined = undefined;
  /** @internal */ next: Task<unknown> | undefined = undefined;
  /** @internal the first callback inline: most tasks have at most one. */ private cb0: Callback | undefined;
  /** @internal */ private tag0 = 0;
  /** @internal library waiters parked in this task's scopes that count it as blocked (`RunState.blockedTasks`). */
  parkedWaits = 0;
  /** @internal set once the outcome was observed (await, result(), exception(), a callback). */
  retrieved = false;
  /** @internal */ private cancelRequests = 0;
  /** @internal what few tasks need, made on first use (see {@link TaskRare}). */
  private rare: TaskRare | undefined = undefined;

  /** @internal use {@link createTask} or a TaskGroup. */
  constructor(
    fn: () => PromiseLike<T> | T,
    name: string | undefined,
    run: RunState,
    parent: CancelScope | undefined,
  ) {
    super(parent, undefined, false);
    this.task = this as Task<unknown>;
    this.fn = fn;
    this.givenName = name;
    this.run = run;
    this.id = nextTaskId++;
    run.add(this as Task<unknown>);
    if (taskCreateChannel.hasSubscribers) publishTaskCreate(this as Task<unknown>, storage.getStore()?.task);
  }

  /** @internal set by src/debug only while a debug, trace or dump session records this run. */
  get debugInfo(): TaskDebugInfo | undefined {
    return this.rare?.debugInfo;
  }
  /** @internal */
  set debugInfo(info: TaskDebugInfo | undefined) {
    this.rareFields().debugInfo = info;
  }

  /** @internal the task this one last started awaiting (still pending), to refuse await cycles. */
  get awaitingTask(): Task<unknown> | undefined {
    return this.rare?.awaitingTask;
  }
  /** @internal */
  set awaitingTask(task: Task<unknown> | undefined) {
    if (task !== undefined || this.rare !== undefined) this.rareFields().awaitingTask = task;
  }

  /** @internal */
  private rareFields(): TaskRare {
    let rare = this.rare;
    if (rare === undefined) rare = this.rare = new TaskRare();
    return rare;
  }

  /** The task's name (`Task-<n>` unless one was given). */
  get name(): string {
    return this.givenName ?? `Task-${this.id}`;
  }

  /**
   * `'scheduled'` (created, its body not started yet), `'running'`, `'fulfilled'`, `'rejected'` or `'cancelled'`.
   * A task is *pending* (as in `allTasks()`, asyncio and promises) while it is not done: scheduled or running.
   */
  get state(): TaskState {
    return STATE_NAMES[this.stateCode]!;
  }

  /** True once the task has a result, an error, or was cancelled. */
  done(): boolean {
    return this.stateCode >= FULFILLED;
  }

  /** True if the task ended cancelled. */
  cancelled(): boolean {
    return this.stateCode === CANCELLED;
  }

  /**
   * Requests cancellation: the body's checkpoints throw `CancelledError` from now on (a task that has not
   * started never runs). Returns false if the task is already done.
   */
  cancel(reason?: unknown): boolean {
    if (this.stateCode >= FULFILLED) return false;
    this.cancelRequests++;
    if (this.cancelCalled !== undefined) return true; // the first reason sticks: make no error
    const debug = this.run.debug;
    this.cancelScope(
      reason === undefined && this.givenName === undefined && !debug
        ? unnamedTaskCancelled()
        : makeCancelledError(reason, `Task ${this.name} was cancelled`, debug),
    );
    return true;
  }

  /** How many times `cancel()` was called while the task was pending (asyncio's `cancelling()`). */
  cancelling(): number {
    return this.stateCode >= FULFILLED ? 0 : this.cancelRequests;
  }

  /** The value; throws the error, `CancelledError` if cancelled, or `InvalidStateError` if pending. */
  result(): T {
    const code = this.stateCode;
    if (code < FULFILLED) throw new InvalidStateError(`Task ${this.name} is not done (state: ${this.state})`);
    this.markRetrieved();
    if (code !== FULFILLED) throw this.outcome;
    return this.outcome as T;
  }

  /** The error the task failed with, or undefined; throws `CancelledError` if cancelled, `InvalidStateError` if pending. */
  exception(): unknown {
    const code = this.stateCode;
    if (code < FULFILLED) throw new InvalidStateError(`Task ${this.name} is not done (state: ${this.state})`);
    this.markRetrieved();
    if (code === CANCELLED) throw this.outcome;
    return code === REJECTED ? this.outcome : undefined;
  }

  /** Calls `callback(task)` when the task is done (soon, if it already is). */
  addDoneCallback(callback: DoneCallback<T>): void {
    checkFunction(callback, 'callback', 'Task.addDoneCallback');
    this.markRetrieved();
    if (this.stateCode >= FULFILLED) {
      queueMicrotask(() => invokeCallback(callback as DoneCallback<never>, this as Task<unknown>, 0));
      return;
    }
    this.addCallback(callback as DoneCallback<never>, 0);
  }

  /** Removes every registration of `callback`; returns how many were removed. */
  removeDoneCallback(callback: DoneCallback<T>): number {
    return this.removeCallback(callback as DoneCallback<never>);
  }

  /** Awaiting a task is a checkpoint for the awaiting code; the task itself is not cancelled by it. */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.markRetrieved();
    if (onrejected != null && this.stateCode >= REJECTED) {
      // `Promise.reject(outcome).then(…)` would cost Node's rejection tracking twice per await (the promise is
      // first unhandled, then handled): call the handler from a reaction instead, in the same microtask.
      const scope = storage.getStore();
      const error = scope?.cancelReason ?? this.outcome;
      return RESOLVED.then(() => onrejected(error));
    }
    return this.waitDone().then(onfulfilled, onrejected);
  }

  /** As `Promise.prototype.catch`: `task.catch(fn)` is `task.then(undefined, fn)` (retrieves the outcome). */
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onrejected);
  }

  /** As `Promise.prototype.finally`: runs `onfinally` when the task is done, passing its outcome on. */
  finally(onfinally?: (() => void) | null): Promise<T> {
    this.markRetrieved();
    return this.waitDone().finally(onfinally);
  }

  /** The outcome as a promise, parked as a checkpoint in the caller's scope. @internal */
  waitDone(): Promise<T> {
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    const code = this.stateCode;
    if (code === FULFILLED) return Promise.resolve(this.outcome as T);
    if (code >= REJECTED) return Promise.reject(this.outcome);
    if (scope === undefined) return this.plainWait();
    const awaiter = scope.task;
    if (awaiter !== undefined && awaitsTransitively(this as Task<unknown>, awaiter)) {
      return Promise.reject(
        new InvalidStateError(
          awaiter === (this as Task<unknown>)
            ? `Task ${this.name} cannot await itself`
            : `Task ${awaiter.name} cannot await task ${this.name}: it awaits ${awaiter.name} (a cycle)`,
        ),
      );
    }
    const waiter = new TaskWaiter<T>(this, awaiter);
    waiter.park(scope, undefined);
    this.addCallback(waiter, 0);
    return waiter.promise;
  }

  /** @internal */
  private plainWait(): Promise<T> {
    const rare = this.rareFields();
    let promise = rare.plainPromise as Promise<T> | undefined;
    if (promise === undefined) {
      const waiter = new TaskWaiter<T>(this);
      this.addCallback(waiter, 0);
      promise = rare.plainPromise = waiter.promise;
    }
    return promise;
  }

  /** @internal */
  addCallback(callback: Callback, tag: number): void {
    if (this.cb0 === undefined && this.rare?.moreCallbacks === undefined) {
      this.cb0 = callback;
      this.tag0 = tag;
    } else {
      (this.rareFields().moreCallbacks ??= []).push([callback, tag]);
    }
  }

  /** @internal */
  removeCallback(callback: Callback): number {
    let removed = 0;
    if (this.cb0 === callback) {
      this.cb0 = undefined;
      removed++;
    }
    const more = this.rare?.moreCallbacks;
    if (more !== undefined) {
      for (let i = more.length - 1; i >= 0; i--) {
        if (more[i]![0] === callback) {
          more.splice(i, 1);
          removed++;
        }
      }
    }
    return removed;
  }

  /** @internal */
  markRetrieved(): void {
    if (this.retrieved) return;
    this.retrieved = true;
    const debugInfo = this.rare?.debugInfo;
    if (debugInfo !== undefined) debugInfo.retrieved = true;
    if (this.stateCode === REJECTED) forgetUnretrieved(this as Task<unknown>);
  }

  /** @internal listener for the `createTask({ signal })` option. */
  handleEvent(): void {
    this.cancel(this.rare?.abortSignal?.reason);
  }

  /** @internal */
  listenTo(signal: AbortSignal): void {
    if (signal.aborted) {
      this.cancel(signal.reason);
      return;
    }
    this.rareFields().abortSignal = signal;
    subscribe(signal, this);
  }

  /** @internal runs in the task's own context (see scheduleStart). */
  start(): void {
    if (this.stateCode !== NOT_STARTED) return;
    if (this.cancelReason !== undefined) {
      this.fn = undefined;
      this.finish(CANCELLED, this.cancelReason);
      return;
    }
    this.stateCode = RUNNING;
    const fn = this.fn!;
    this.fn = undefined;
    if (taskStartChannel.hasSubscribers) publishTaskStart(this as Task<unknown>);
    let result: PromiseLike<T> | T;
    try {
      result = fn();
    } catch (err) {
      this.settleRejected(err);
      return;
    }
    if (result instanceof Promise) result.then(onBodyFulfilled, onBodyRejected);
    else if (isThenable(result)) Promise.resolve(result).then(onBodyFulfilled, onBodyRejected);
    else this.finish(FULFILLED, result);
  }

  /** @internal */
  settleRejected(err: unknown): void {
    const reason = this.cancelReason;
    if (err instanceof CancelledError) this.finish(CANCELLED, err);
    else if (reason !== undefined && (isCausedBy(err, reason) || isCancellation(err)))
      this.finish(CANCELLED, reason);
    else this.finish(REJECTED, err);
  }

  /** @internal */
  finish(code: TaskStateCode, outcome: unknown): void {
    if (this.stateCode >= FULFILLED) return;
    this.stateCode = code;
    this.outcome = outcome;
    if (code === REJECTED) noteOrigin(this as Task<unknown>, outcome); // before the parent link goes
    this.detachFromParent();
    this.run.remove(this as Task<unknown>);
    const rare = this.rare;
    const signal = rare?.abortSignal;
    if (signal !== undefined) {
      unsubscribe(signal, this);
      rare!.abortSignal = undefined;
    }
    if (taskFinishChannel.hasSubscribers) {
      publishTaskFinish(
        this as Task<unknown>,
        STATE_NAMES[code] as 'fulfilled',
        code === FULFILLED ? undefined : outcome,
      );
    }
    const cb0 = this.cb0;
    const more = rare?.moreCallbacks;
    if (code === REJECTED && !this.retrieved && !observesOutcome(cb0, more)) {
      rememberUnretrieved(this as Task<unknown>);
    }
    if (cb0 !== undefined) {
      this.cb0 = undefined;
      invokeCallback(cb0, this as Task<unknown>, this.tag0);
    }
    if (more !== undefined) {
      rare!.moreCallbacks = undefined;
      for (const [callback, tag] of more) invokeCallback(callback, this as Task<unknown>, tag);
    }
  }

  /** @internal */
  [inspect.custom](): string {
    return `<Task name=${JSON.stringify(this.name)} state=${this.state}>`;
  }

  get [Symbol.toStringTag](): string {
    return 'Task';
  }
}

/**
 * What few tasks use, kept out of `Task` itself: a pending task's size is what a burst of 100,000 costs in
 * garbage collection (each field is 8 bytes on every task), and most tasks have one done callback, no
 * `signal` option, no debug session, and are awaited from inside a task.
 */
class TaskRare {
  moreCallbacks: Array<[Callback, number]> | undefined = undefined;
  debugInfo: TaskDebugInfo | undefined = undefined;
  awaitingTask: Task<unknown> | undefined = undefined;
  abortSignal: AbortSignal | undefined = undefined;
  plainPromise: Promise<unknown> | undefined = undefined;
}

let sharedCancelled: CancelledError | undefined;

/**
 * The reason of `cancel()` without an argument on a task without a name: one shared error. Making an `Error`
 * costs a call into V8's runtime even without a stack, about a quarter of cancelling 10,000 sleeping tasks,
 * and its only per-task content was the generated name. Cancellation never depends on which error object it
 * carries (each scope records whether it was cancelled itself); named tasks, a given reason and debug mode
 * (stacks) still get their own error.
 */
function unnamedTaskCancelled(): CancelledError {
  sharedCancelled ??= makeCancelledError(undefined, 'The task was cancelled');
  return sharedCancelled;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function invokeCallback(callback: Callback, task: Task<unknown>, tag: number): void {
  if (typeof callback === 'function') {
    task.retrieved = true;
    try {
      (callback as DoneCallback<unknown>)(task);
    } catch (err) {
      process.emitWarning(`A done callback of task ${task.name} threw: ${String(err)}`, {
        type: 'AsyncioWarning',
        code: 'ASYNCIO_TS_CALLBACK_ERROR',
        detail: err instanceof Error ? err.stack : undefined,
      });
    }
  } else {
    if (callback.passive !== true) task.retrieved = true;
    callback.onTaskDone(task, tag);
  }
}

/** True if one of the callbacks will look at the outcome (a passive observer does not). */
function observesOutcome(cb0: Callback | undefined, more: Array<[Callback, number]> | undefined): boolean {
  if (cb0 !== undefined && (cb0 as TaskObserver).passive !== true) return true;
  if (more !== undefined) {
    for (const [callback] of more) if ((callback as TaskObserver).passive !== true) return true;
  }
  return false;
}

/** Lets an uncaught error name the task it came from (and its task group) when the process ends. */
function noteOrigin(task: Task<unknown>, error: unknown): void {
  const parent = task.parent;
  noteTaskOrigin(error, {
    task: task.name,
    owner: parent?.task?.name,
    inGroup: parent?.constructor.name === 'TaskGroup',
    isMain: task.run.main === task,
  });
}

function onBodyFulfilled(value: unknown): void {
  storage.getStore()!.task!.finish(FULFILLED, value);
}

function onBodyRejected(err: unknown): void {
  storage.getStore()!.task!.settleRejected(err);
}

/**
 * True if `awaiter` is `target` or is reached from it by following what each task awaits: awaiting `target`
 * would close a cycle that could never settle.
 */
function awaitsTransitively(target: Task<unknown>, awaiter: Task<unknown>): boolean {
  for (let t: Task<unknown> | undefined = target; t !== undefined; t = t.awaitingTask) {
    if (t === awaiter) return true;
  }
  return false;
}

/** Awaits a task from inside a scope: a checkpoint that leaves the task alone when the awaiter is cancelled. */
class TaskWaiter<T> extends Waiter<T> implements TaskObserver {
  private readonly target: Task<T>;
  private readonly awaiter: Task<unknown> | undefined;
  constructor(target: Task<T>, awaiter?: Task<unknown>) {
    super('await task');
    this.target = target;
    this.awaiter = awaiter;
    if (awaiter !== undefined) awaiter.awaitingTask = target as Task<unknown>;
  }
  override describe(): string {
    return `await task ${this.target.name}`;
  }
  onTaskDone(task: Task<unknown>): void {
    this.forgetLink();
    if (task.stateCode === FULFILLED) this.resolve(task.outcome as T);
    else this.fail(task.outcome);
  }
  protected override detach(): void {
    this.forgetLink();
    this.target.removeCallback(this);
  }
  private forgetLink(): void {
    const awaiter = this.awaiter;
    if (awaiter !== undefined && awaiter.awaitingTask === (this.target as Task<unknown>)) {
      awaiter.awaitingTask = undefined;
    }
  }
}

// ---- never-retrieved exceptions -------------------------------------------------------------------------

interface UnretrievedInfo {
  name: string;
  error: unknown;
  /** Where the task was created (debug mode). */
  creationStack: string | undefined;
}

const finalization = new FinalizationRegistry<UnretrievedInfo>((info) => reportUnretrieved(info));

function rememberUnretrieved(task: Task<unknown>): void {
  if (!task.run.isGlobal) task.run.unretrieved.add(task);
  const creationStack = task.debugInfo?.creationStack;
  finalization.register(task, { name: task.name, error: task.outcome, creationStack }, task);
}

function forgetUnretrieved(task: Task<unknown>): void {
  task.run.unretrieved.delete(task);
  finalization.unregister(task);
}

/** Reports and forgets the unretrieved failures of a run that ends; true if there were any. @internal */
export function reportRunUnretrieved(run: RunState): boolean {
  if (run.unretrieved.size === 0) return false;
  for (const task of run.unretrieved) {
    finalization.unregister(task);
    task.retrieved = true;
    reportUnretrieved({ name: task.name, error: task.outcome, creationStack: task.debugInfo?.creationStack });
  }
  run.unretrieved.clear();
  return true;
}

function reportUnretrieved(info: UnretrievedInfo): void {
  const error = info.error;
  const summary = error instanceof Error ? `${error.name}: ${error.message}` : describe(error);
  process.emitWarning(
    `Task exception was never retrieved: task ${JSON.stringify(info.name)} failed with ${summary}`,
    {
      type: 'AsyncioWarning',
      code: 'ASYNCIO_TS_TASK_EXCEPTION_NEVER_RETRIEVED',
      detail: withCreationStack(error instanceof Error ? error.stack : undefined, info.creationStack),
    },
  );
}

function withCreationStack(
  detail: string | undefined,
  creationStack: string | undefined,
): string | undefined {
  if (creationStack === undefined) return detail;
  const created = `Task created at:\n${creationStack}`;
  return detail === undefined ? created : `${detail}\n${created}`;
}

// ---- starting in the creator's context -----------------------------------------------------------------

/**
 * A promise reaction runs in the AsyncLocalStorage context that was current when `.then` was called: the
 * snapshot of the creator's context a task needs, kept by the runtime for free (on Node >= 24 one frame
 * pointer). So each task gets one reaction on a shared resolved promise, queued when it is created; the
 * reaction enters the task as the current scope (`enterWith`, which lasts for that reaction only) and starts
 * it. Reactions run in the order they were queued, so the i-th reaction starts the i-th queued task: no
 * closure per task, and no `AsyncLocalStorage.run` (which copies the context twice).
 */
const RESOLVED: Promise<void> = Promise.resolve();
/**
 * Tasks between `startHead` and `startTail` wait for their reaction. The array keeps its capacity when it
 * empties (each slot is cleared as its task starts): truncating it dropped a 100,000-slot backing store after
 * every burst, and the next burst grew it again by copying.
 */
const startQueue: Array<Task<unknown> | undefined> = [];
let startHead = 0;
let startTail = 0;

function startNext(): void {
  const task = startQueue[startHead]!;
  startQueue[startHead++] = undefined;
  if (startHead === startTail) startHead = startTail = 0;
  storage.enterWith(task);
  task.start();
}

/** Starts `task` a microtask later, in a copy of the current context (tasks start in creation order). @internal */
export function scheduleStart(task: Task<unknown>): void {
  startQueue[startTail++] = task;
  RESOLVED.then(startNext);
}

/** Makes and schedules a task in `run`, as a child of `parent` (a task group's scope) or independent. @internal */
export function spawn<T>(
  fn: () => PromiseLike<T> | T,
  name: string | undefined,
  run: RunState,
  parent: CancelScope | undefined,
): Task<T> {
  const task = new Task<T>(fn, name, run, parent);
  scheduleStart(task as Task<unknown>);
  return task;
}

/** The run of the calling code (the process-wide one outside every `run()`). @internal */
export function currentRun(): RunState {
  const scope = storage.getStore();
  return scope?.task?.run ?? globalRun;
}

/**
 * Starts `fn` as a new task, a microtask later (tasks created in one synchronous run start in creation
 * order). Its cancellation is independent of its creator; it belongs to the current `run()`, which cancels
 * and awaits it if it is still pending when `main` ends. For tasks bound to a parent, use `taskGroup`.
 *
 * @example
 * ```ts
 * import { run, createTask, sleep } from 'asyncio-ts';
 * await run(async () => {
 *   const t = createTask(() => sleep(50, 'done'), { name: 'worker' });
 *   console.log(await t); // 'done'
 * });
 * ```
 */
export function createTask<T>(fn: () => PromiseLike<T> | T, options?: CreateTaskOptions): Task<T> {
  checkFunction(fn, 'fn', 'createTask');
  checkOptions(options, 'createTask');
  let name: string | undefined;
  let signal: AbortSignal | undefined;
  if (options !== undefined) {
    name = options.name;
    signal = options.signal;
    if (name !== undefined && typeof name !== 'string') {
      throw new TypeError(`createTask: options.name must be a string, received ${describe(name)}`);
    }
    checkSignal(signal, 'createTask');
  }
  const task = spawn(fn, name, currentRun(), undefined);
  if (signal !== undefined) task.listenTo(signal);
  return task;
}

/**
 * The task running the calling code, or `undefined` outside every task.
 *
 * @example
 * ```ts
 * import { run, currentTask } from 'asyncio-ts';
 * await run(async () => currentTask()?.name); // 'main'
 * ```
 */
export function currentTask(): Task<unknown> | undefined {
  return storage.getStore()?.task;
}

/**
 * The pending tasks of the current `run()`; outside a run, every pending task of the process.
 *
 * @example
 * ```ts
 * import { run, allTasks } from 'asyncio-ts';
 * await run(async () => allTasks().size); // 1: main itself
 * ```
 */
export function allTasks(): Set<Task<unknown>> {
  const scope = storage.getStore();
  const inRun = scope?.task?.run;
  if (inRun !== undefined) return new Set(inRun.tasks());
  const all = new Set(globalRun.tasks());
  for (const run of activeRuns) for (const task of run.tasks()) all.add(task);
  return all;
}
