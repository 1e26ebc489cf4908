/**
 * One job of a `ThreadPoolExecutor`: the waiter the awaiting code parks on, and the unit the executor queues
 * and hands to piscina. Cancellation follows the job's phase:
 *  - queued (in the executor's FIFO): it leaves the queue and rejects at once; it never runs;
 *  - dispatched (handed to piscina) but not started by a worker: its slot goes IDLE → CANCELLED, it rejects
 *    at once, and the worker that receives it skips it; it never runs;
 *  - running: its slot goes RUNNING → CANCELLED (`cancelled()` / `jobSignal()` in the worker see it), and the
 *    waiter stays pending until the worker lets go of the job: the job returns or throws (cooperative stop),
 *    or, `cancelGraceMs` later on the run's clock, its worker is terminated. Then it rejects with the
 *    `CancelledError`, so the awaiting task ends cancelled only once nothing runs for it any more.
 * Once handed to piscina it carries a {@link PiscinaAbort}, the handle piscina listens on to terminate its
 * worker (piscina's documented `AbortSignalEventTarget`: no AbortController per job).
 * @internal
 * @module
 */
import type { TransferListItem } from 'node:worker_threads';
import type { Clock, TimerEntry } from '../core/clock.js';
import { storage } from '../core/context.js';
import { CancelledError } from '../core/errors.js';
import type { Task, TaskObserver } from '../core/task.js';
import { Waiter } from '../core/waiter.js';
import { clockOf } from '../tasks/sleep.js';
import type { JobMessage } from './job-message.js';
import { PiscinaAbort } from './piscina-abort.js';
import type { JobSpec } from './worker-function.js';

/** In the executor's queue. */
export const QUEUED = 0;
/** Handed to piscina: next in line for a thread, or running. */
export const DISPATCHED = 1;
/** Running, cancelled: the grace deadline is armed. */
export const STOPPING = 2;
/** Running past the grace period: its worker is being terminated. */
export const KILLED = 3;
/** Cancelled before it started: already rejected, waiting for piscina to hand its slot back. */
export const ABANDONED = 4;
/** Piscina has settled it. */
export const DONE = 5;
type Phase = 0 | 1 | 2 | 3 | 4 | 5;

/** What a job needs from its executor. */
export interface JobHost {
  readonly cancelGraceMs: number;
  /** The job left the pool (any outcome): free its slot, dispatch the next one. */
  jobFinished(job: Job<unknown>, abandoned: boolean): void;
  /** The job was cancelled before it started; piscina still holds it until a worker skips it. */
  jobAbandoned(job: Job<unknown>): void;
  /** Marks the slot of a job that has not started cancelled (the worker will skip it); false if it runs. */
  cancelIdle(job: Job<unknown>): boolean;
  /** Marks the slot of a running job cancelled: its code sees it through cancelled() and jobSignal(). */
  cancelRunning(job: Job<unknown>): void;
  /** Whether a worker has started the job. */
  jobStarted(job: Job<unknown>): boolean;
  /** Terminate the worker running the job (the grace period is over). */
  killJob(job: Job<unknown>): void;
  /** The error to reject with for a failure piscina reported. */
  translateFailure(job: Job<unknown>, failure: unknown): unknown;
  /** The job's thread was terminated at the end of the grace period. */
  threadKilled(job: Job<unknown>): void;
}

export class Job<R> extends Waiter<R> implements TimerEntry, TaskObserver {
  readonly host: JobHost;
  readonly spec: JobSpec;
  readonly message: JobMessage;
  readonly transfers: TransferListItem[] | undefined;
  phase: Phase = QUEUED;
  /**
   * When a worker started the job (`performance.now()` of this thread), measured only while a tracer
   * listens: the trace draws the time before it as queued, after it as running.
   */
  runStartedAt: number | undefined = undefined;
  /** The cancellation that reached the job while it ran; it rejects with it once the worker lets go. */
  stopReason: unknown = undefined;
  /** Links in the executor's list of dispatched jobs (for `shutdown({ cancelFutures })`). */
  dispatchedPrev: Job<unknown> | undefined = undefined;
  dispatchedNext: Job<unknown> | undefined = undefined;
  /** The task made by `submit()`, until its body starts and parks on this job. */
  private owner: Task<unknown> | undefined = undefined;

  // TimerEntry: the end of the grace period, on the clock of the run that cancelled the job.
  deadline = 0;
  heapIndex = -1;
  private clock: Clock | undefined = undefined;

  /** piscina's abort handle for this job, made when it is handed to piscina. */
  readonly abort = new PiscinaAbort();

  constructor(host: JobHost, spec: JobSpec, args: unknown[], transfers: TransferListItem[] | undefined) {
    super('thread job');
    // A thread job ends without the clock or another task: it keeps a virtual clock from jumping.
    this.holdsClock = true;
    this.host = host;
    this.spec = spec;
    this.transfers = transfers;
    this.message = {
      source: spec.source,
      sourceUrl: spec.sourceUrl,
      moduleUrl: spec.moduleUrl,
      exportName: spec.exportName,
      args,
      slot: -1,
    };
  }

  override describe(): string {
    let state = 'stopping';
    if (this.phase === QUEUED) state = 'queued';
    else if (this.phase === DISPATCHED)
      state = this.host.jobStarted(this as Job<unknown>) ? 'running' : 'next';
    return `thread job ${this.spec.name} (${state})`;
  }

  /** Makes piscina reject the run and terminate the worker running it. */
  abortInPiscina(): void {
    this.abort.fire();
  }

  // ---- outcome ----

  /** Piscina settled the job: `ok` with the job's value, or not with what it reported. */
  settle(ok: boolean, value: unknown): void {
    const phase = this.phase;
    if (phase === DONE) return;
    this.phase = DONE;
    if (this.heapIndex >= 0) this.clock!.unschedule(this);
    this.host.jobFinished(this as Job<unknown>, phase === ABANDONED);
    if (phase === KILLED) this.host.threadKilled(this as Job<unknown>);
    if (phase === ABANDONED) return; // rejected when it was cancelled
    if (this.stopReason !== undefined) this.fail(this.stopReason);
    else if (ok) this.resolve(value as R);
    else this.fail(this.host.translateFailure(this as Job<unknown>, value));
  }

  // ---- cancellation ----

  /** The scope or `{ signal }` of the awaiting code was cancelled (or the executor cancels the job). */
  override cancel(reason: unknown): void {
    if (!this.pending) return;
    const phase = this.phase;
    if (phase === QUEUED) {
      super.cancel(reason); // leaves the queue and rejects now: the job never runs
      return;
    }
    if (phase === DISPATCHED && this.host.cancelIdle(this as Job<unknown>)) {
      this.abandon(reason); // not started: the worker will skip it
      return;
    }
    // Running. The scope walks its waiter list until it is empty: unlink now, settle once the worker let go.
    const clock = clockOf(this.scope);
    this.unpark();
    if (phase !== DISPATCHED) return; // already stopping
    this.host.cancelRunning(this as Job<unknown>);
    this.stopReason = reason;
    this.phase = STOPPING;
    const grace = this.host.cancelGraceMs;
    if (grace <= 0) this.onTimer();
    else if (grace !== Number.POSITIVE_INFINITY) {
      this.clock = clock;
      this.deadline = clock.now() + grace;
      clock.schedule(this);
    }
  }

  /** Rejects the job with `reason` only if no worker has started it (`shutdown({ cancelFutures })`, a pool that cannot start threads). */
  cancelIfNotStarted(reason: unknown): void {
    if (!this.pending) return;
    if (this.phase === QUEUED) this.cancel(reason);
    else if (this.phase === DISPATCHED && this.host.cancelIdle(this as Job<unknown>)) this.abandon(reason);
  }

  private abandon(reason: unknown): void {
    this.phase = ABANDONED;
    this.host.jobAbandoned(this as Job<unknown>);
    super.cancel(reason);
  }

  /** The grace period is over and the job still runs. */
  onTimer(): void {
    if (this.phase !== STOPPING) return;
    this.phase = KILLED;
    this.host.killJob(this as Job<unknown>);
  }

  // ---- the task made by submit() ----

  /** Cancels the job if `task` ends before its body could park on the job (cancelled before it started). */
  watchOwner(task: Task<unknown>): void {
    this.owner = task;
    task.addCallback(this, 0);
  }

  /** TaskObserver: the owner task ended without running its body. */
  onTaskDone(task: Task<unknown>): void {
    this.owner = undefined;
    this.cancel(task.cancelReason ?? new CancelledError(`Task ${task.name} was cancelled`));
  }

  /** The owner task's body: awaits the job as a checkpoint of the task. */
  join(): Promise<R> {
    const owner = this.owner;
    if (owner !== undefined) {
      owner.removeCallback(this);
      this.owner = undefined;
    }
    if (this.pending && this.stopReason === undefined) this.park(storage.getStore(), undefined);
    return this.promise;
  }
}
