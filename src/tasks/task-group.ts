/**
 * `taskGroup(fn)`: structured concurrency (asyncio.TaskGroup, trio's nursery). Children are tasks whose
 * parent scope is the group, so cancelling the group reaches them without any bookkeeping per child beyond
 * one counter; the group observes their completion without a closure per child.
 * @module
 */
import { CancelScope, makeCancelledError } from '../core/cancel-scope.js';
import { closeWait, openWait } from '../core/channels.js';
import { storage } from '../core/context.js';
import { InvalidStateError, isCancellation } from '../core/errors.js';
import { Future } from '../core/future.js';
import { globalRun, type RunState } from '../core/run-state.js';
import { spawn, type Task } from '../core/task.js';
import { checkFunction, checkOptions, describe } from '../core/validate.js';

/** `'open'` while the body runs, `'closing'` while the group waits for its children, then `'closed'`. */
type GroupState = 'open' | 'closing' | 'closed';

/** Options of {@link taskGroup}. */
export interface TaskGroupOptions {
  /**
   * At most this many children run at once (an integer >= 1, or Infinity, the default). `createTask` still
   * returns the child at once; its body starts, in creation order, when a running child ends. A child
   * cancelled while it waits for its turn never runs.
   */
  concurrency?: number;
}

/** Options of {@link TaskGroup.createTask}. */
export interface GroupTaskOptions {
  /** A name shown in warnings and the task tree. */
  name?: string;
}

/**
 * The handle `taskGroup(fn)` passes to `fn`: start children with `createTask`; read `errors` afterwards.
 *
 * @example
 * ```ts
 * import { taskGroup, sleep } from 'asyncio-ts';
 * const [a, b] = await taskGroup(async (tg) => {
 *   const a = tg.createTask(() => sleep(100, 'a'));
 *   const b = tg.createTask(() => sleep(200, 'b'));
 *   return [a, b];
 * });
 * console.log(a.result(), b.result()); // 'a' 'b'
 * ```
 */
export class TaskGroup extends CancelScope {
  /**
   * Every non-cancellation error of the children and the body, in the order they happened. `errors[0]`
   * is the one `taskGroup` rejects with.
   */
  readonly errors: unknown[] = [];
  /** @internal */
  private state: GroupState = 'open';
  /** @internal children not yet done */
  private pending = 0;
  /** @internal */
  private idleResolve: (() => void) | undefined = undefined;
  /** @internal */
  private readonly run: RunState;
  /** @internal how tools name the wait for the children: `'taskGroup'`, or `'map'` for map's group. */
  waitLabel = 'taskGroup';
  /** @internal free places under `concurrency` (Infinity: no limit, and no wrapping of the children). */
  private slots = Number.POSITIVE_INFINITY;
  /** @internal children waiting for a place, in creation order. */
  private readonly turns: Array<Future<void>> = [];

  /** @internal use {@link taskGroup}. */
  constructor(parent: CancelScope | undefined, run: RunState) {
    super(parent, parent?.task, false);
    this.run = run;
  }

  /** Starts `fn` as a child of the group. Throws `InvalidStateError` once the group has finished. */
  createTask<T>(fn: () => PromiseLike<T> | T, options?: GroupTaskOptions): Task<T> {
    checkFunction(fn, 'fn', 'TaskGroup.createTask');
    checkOptions(options, 'TaskGroup.createTask');
    const name = options?.name;
    if (name !== undefined && typeof name !== 'string') {
      throw new TypeError(`TaskGroup.createTask: options.name must be a string, received ${describe(name)}`);
    }
    if (this.state === 'closed') {
      throw new InvalidStateError('TaskGroup.createTask(): the task group has finished');
    }
    const body = this.slots === Number.POSITIVE_INFINITY ? fn : () => this.inTurn(fn);
    const task = spawn(body, name, this.run, this);
    this.pending++;
    task.addCallback(this, 0);
    return task;
  }

  /** @internal sets the `concurrency` limit (before any child starts). */
  limit(concurrency: number): void {
    this.slots = concurrency;
  }

  /** @internal runs `fn` once a place under the limit is free, and frees it after. */
  private async inTurn<T>(fn: () => PromiseLike<T> | T): Promise<T> {
    if (this.slots > 0) {
      this.slots--;
    } else {
      const turn = new Future<void>();
      this.turns.push(turn);
      try {
        await turn;
      } catch (err) {
        // Cancelled after its turn came but before it resumed: the place goes to the next child (principle 5).
        if (turn.done() && !turn.cancelled()) this.nextTurn();
        else turn.cancel();
        throw err;
      }
      // Its turn came, but the child (or the group) was cancelled before it resumed: it must not start,
      // and the place goes to the next child (principle 5).
      const reason = storage.getStore()?.cancelReason;
      if (reason !== undefined) {
        this.nextTurn();
        throw reason;
      }
    }
    try {
      return await fn();
    } finally {
      this.nextTurn();
    }
  }

  /** @internal a place is free: the first child still waiting takes it, else it stays free. */
  private nextTurn(): void {
    const turns = this.turns;
    while (turns.length > 0) {
      const turn = turns.shift()!;
      if (!turn.done()) {
        turn.setResult(undefined);
        return;
      }
    }
    this.slots++;
  }

  /** @internal */
  onTaskDone(task: Task<unknown>): void {
    if (task.state === 'rejected') this.fail(task.outcome);
    if (--this.pending === 0 && this.idleResolve !== undefined) {
      const resolve = this.idleResolve;
      this.idleResolve = undefined;
      resolve();
    }
  }

  /** @internal records a failure and cancels the body and every child. */
  fail(error: unknown): void {
    this.errors.push(error);
    this.abort(error);
  }

  /** @internal */
  abort(cause: unknown): void {
    this.cancelScope(
      makeCancelledError(cause, 'The task group is cancelled because a task failed', this.run.debug),
    );
  }

  /** @internal */
  waitChildren(): Promise<void> {
    this.state = 'closing';
    if (this.pending === 0) return Promise.resolve();
    // The waiting task counts as blocked on the library (a virtual clock may jump while it waits).
    const task = this.task;
    if (task !== undefined) task.run.block(task);
    // Tools (trace, timeline, task tree) see the task waiting on its children, not running.
    const wait = openWait(this.waitLabel, undefined, task);
    return new Promise<void>((resolve) => {
      this.idleResolve =
        task === undefined
          ? resolve
          : () => {
              task.run.unblock(task);
              closeWait(wait, task);
              resolve();
            };
    });
  }

  /** @internal true while the group's task waits for its children (the body is done). */
  get waiting(): boolean {
    return this.state === 'closing';
  }

  /** @internal */
  get debug(): boolean {
    return this.run.debug;
  }

  /** @internal */
  close(): void {
    this.state = 'closed';
    this.detachFromParent();
  }
}

/**
 * Runs `fn` with a {@link TaskGroup} and returns its value once every child has finished. When a child
 * fails, or `fn` throws, the other children and `fn` are cancelled and awaited, and `taskGroup` rejects with
 * that first error (all of them are on `tg.errors`). If the caller is cancelled, every child is cancelled
 * and awaited, then `CancelledError` propagates. A child cancelled on its own does not fail the group.
 *
 * `{ concurrency: n }` lets at most `n` children run at once (the rest start in creation order as places free
 * up): p-limit's job, with the group's failure and cancellation rules.
 *
 * @example
 * ```ts
 * declare const urls: string[];
 * declare function download(url: string): Promise<void>;
 * import { taskGroup } from 'asyncio-ts';
 * await taskGroup(async (tg) => {
 *   for (const url of urls) tg.createTask(() => download(url), { name: url });
 * }, { concurrency: 5 }); // at most 5 at once; all done here, or the first failure thrown after the rest were cancelled
 * ```
 */
export function taskGroup<T>(
  fn: (tg: TaskGroup) => PromiseLike<T> | T,
  options?: TaskGroupOptions,
): Promise<T> {
  checkFunction(fn, 'fn', 'taskGroup');
  checkOptions(options, 'taskGroup');
  const concurrency = options?.concurrency ?? Number.POSITIVE_INFINITY;
  if (typeof concurrency !== 'number') {
    throw new TypeError(`taskGroup: options.concurrency must be a number, received ${describe(concurrency)}`);
  }
  if (concurrency !== Number.POSITIVE_INFINITY && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new RangeError(
      `taskGroup: options.concurrency must be an integer >= 1 or Infinity, received ${concurrency}`,
    );
  }
  return runGroup(fn, concurrency);
}

async function runGroup<T>(fn: (tg: TaskGroup) => PromiseLike<T> | T, concurrency: number): Promise<T> {
  const parent = storage.getStore();
  if (parent !== undefined && parent.cancelReason !== undefined) throw parent.cancelReason;
  const group = new TaskGroup(parent, parent?.task?.run ?? globalRun);
  if (concurrency !== Number.POSITIVE_INFINITY) group.limit(concurrency);
  let value: T | undefined;
  let bodyError: unknown;
  let bodyFailed = false;
  try {
    value = await storage.run(group, callBody, group, fn);
  } catch (err) {
    bodyFailed = true;
    bodyError = err;
    if (isCancellation(err)) group.abort(err);
    else group.fail(err);
  }
  await group.waitChildren();
  group.close();
  if (group.errors.length > 0) {
    if (group.errors.length > 1 && group.debug) reportLaterErrors(group.errors);
    throw group.errors[0];
  }
  if (bodyFailed) throw bodyError;
  const outside = parent?.cancelReason;
  if (outside !== undefined) throw outside;
  return value as T;
}

/** Debug mode: the errors after the first are not thrown, so say what they were. */
function reportLaterErrors(errors: readonly unknown[]): void {
  for (let i = 1; i < errors.length; i++) {
    const error = errors[i];
    process.emitWarning(
      `taskGroup rejected with its first error; error ${i + 1} of ${errors.length} was: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      {
        type: 'AsyncioWarning',
        code: 'ASYNCIO_TS_TASK_GROUP_LATER_ERROR',
        detail: error instanceof Error ? error.stack : undefined,
      },
    );
  }
}

function callBody<T>(group: TaskGroup, fn: (tg: TaskGroup) => PromiseLike<T> | T): Promise<T> {
  try {
    return Promise.resolve(fn(group));
  } catch (err) {
    return Promise.reject(err);
  }
}
