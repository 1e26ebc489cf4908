/**
 * One job of a `ThreadPoolExecutor`: the waiter the awaiting code parks on, and the unit the executor queues
 * and hands to piscina. Cancellation follows the job's phase:
 *  - queued (in the executor's FIFO): it leaves the queue and rejects at once; it never runs;
 *  - handed to piscina (one per thread) but not started by a worker: its slot goes IDLE → CANCELLED, it rejects
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
import { HOLDS_CLOCK, Waiter } from '../core/waiter.js';
import { clockOf } from '../tasks/sleep.js';
import type { JobMessage } from './job-message.js';
import { PiscinaAbort } from './piscina-abort.js';
import type { JobSpec } from './worker-function.js';

/**
 * Where a job is; the executor's one queue holds every job not yet settled, and each records its own phase:
 *  - `queued`: waiting for a thread, in the executor's queue behind the jobs handed to piscina;
 *  - `in-pool`: handed to piscina (at most one per thread), started by a worker or about to be;
 *  - `stopping`: running, cancelled: the grace deadline is armed;
 *  - `killed`: running past the grace period: its worker is being terminated;
 *  - `abandoned`: cancelled before a worker started it: already rejected, waiting for piscina to let go;
 *  - `done`: piscina settled it; it has left the queue.
 */
export type JobPhase = 'queued' | 'in-pool' | 'stopping' | 'killed' | 'abandoned' | 'done';

/** What a job needs from its executor. */
export interface JobHost {
  readonly cancelGraceMs: number;
  /** The job left the pool (any outcome): free its slot, dispatch the next one. */
  jobFinished(job: Job<unknown>, abandoned: boolean): void;
  /** The job, still queued, was cancelled: it leaves the queue. */
  jobDequeued(job: Job<unknown>): void;
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
}

export class Job<R> extends Waiter<R> implements TimerEntry, TaskObserver {
  readonly host: JobHost;
  readonly spec: JobSpec;
  readonly message: JobMessage;
  readonly transfers: TransferListItem[] | undefined;
  phase: JobPhase = 'queued';
  /**
   * When a worker started the job (`performance.now()` of this thread), measured only while a tracer
   * listens: the trace draws the time before it as queued, after it as running.
   */
  runStartedAt: number | undefined = undefined;
  /** The cancellation that reached the job while it ran; it rejects with it once the worker lets go. */
  stopReason: unknown = undefined;
  /**
   * How the job's thread ended if it ended under the job, as the thread's own listeners saw it before
   * piscina's rejection reached `settle`: its exit code, and whether it failed with an error first.
   */
  exitCode: number | undefined = undefined;
  threadFailed = false;
  /** Links in the executor's one queue of jobs (job-queue.ts): a waiter's queue links, as a job is in no `WaiterQueue`. */
  declare prev: Job<unknown> | undefined;
  declare next: Job<unknown> | undefined;
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
    this.clockRole = HOLDS_CLOCK;
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
    if (this.phase === 'queued') state = 'queued';
    else if (this.phase === 'in-pool')
      state = this.host.jobStarted(this as Job<unknown>) ? 'running' : 'starting';
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
    if (phase === 'done') return;
    this.phase = 'done';
    if (this.heapIndex >= 0) this.clock!.unschedule(this);
    this.host.jobFinished(this as Job<unknown>, phase === 'abandoned');
    if (phase === 'abandoned') return; // rejected when it was cancelled
    if (this.stopReason !== undefined) this.fail(this.stopReason);
    else if (ok) this.resolve(value as R);
    else this.fail(this.host.translateFailure(this as Job<unknown>, value));
  }

  // ---- cancellation ----

  /** The scope or `{ signal }` of the awaiting code was cancelled (or the executor cancels the job). */
  override cancel(reason: unknown): void {
    if (!this.pending) return;
    const phase = this.phase;
    if (phase === 'queued') {
      this.phase = 'done';
      this.host.jobDequeued(this as Job<unknown>);
      super.cancel(reason); // rejects now: the job never runs
      return;
    }
    if (phase === 'in-pool' && this.host.cancelIdle(this as Job<unknown>)) {
      this.abandon(reason); // not started: the worker will skip it
      return;
    }
    // Running. The scope walks its waiter list until it is empty: unlink now, settle once the worker let go.
    const clock = clockOf(this.scope);
    this.unpark();
    if (phase !== 'in-pool') return; // already stopping
    this.host.cancelRunning(this as Job<unknown>);
    this.stopReason = reason;
    this.phase = 'stopping';
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
    if (this.phase === 'queued') this.cancel(reason);
    else if (this.phase === 'in-pool' && this.host.cancelIdle(this as Job<unknown>)) this.abandon(reason);
  }

  private abandon(reason: unknown): void {
    this.phase = 'abandoned';
    this.host.jobAbandoned(this as Job<unknown>);
    super.cancel(reason);
  }

  /** The grace period is over and the job still runs. */
  onTimer(): void {
    if (this.phase !== 'stopping') return;
    this.phase = 'killed';
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
