/**
 * The scheduling side of a `ThreadPoolExecutor`: its one queue of jobs (`JobQueue`), of which it hands piscina
 * the oldest ones, one per thread, each owning a slot of the shared flags; and the {@link JobHost} calls a job
 * makes as it is cancelled or finishes. piscina never holds a job that waits for a busy thread: when a thread
 * dies under a job, the job behind it is still in this queue, and handing it over makes piscina start a new
 * thread (piscina replaces a dead thread by itself only up to `minThreads`, which is 0 here). The executor
 * keeps the public API and the lifecycle; this class keeps the counts those decisions read.
 * @internal
 * @module
 */
import type { ResourceLimits } from 'node:worker_threads';
import { waitSettleChannel } from '../core/channels.js';
import { CancelledError } from '../core/errors.js';
import { decodeFailure, isCancelledBeforeStart, isEncodedFailure } from './error-transport.js';
import { WorkerCrashedError } from './errors.js';
import type { Job, JobHost } from './job.js';
import { SLOT_CANCELLED, SLOT_IDLE, SLOT_RUNNING, waitAsync } from './job-message.js';
import { JobQueue } from './job-queue.js';
import { crashError, WorkerThreads } from './worker-threads.js';

function noop(): void {}

/** What the executor gives its dispatcher. @internal */
export interface DispatcherOptions {
  maxWorkers: number;
  idleTimeout: number;
  resourceLimits: ResourceLimits | undefined;
  cancelGraceMs: number;
  /** A job left piscina or was abandoned: the executor may now be idle. */
  onSettled(): void;
}

/** @internal */
export class JobDispatcher implements JobHost {
  readonly cancelGraceMs: number;
  /** piscina and its threads, made with the first job. */
  readonly threads: WorkerThreads;
  /** Every job not settled by piscina, oldest first: those in piscina, then those waiting for a thread. */
  readonly jobs = new JobQueue();
  /** Of the jobs in piscina, the ones cancelled before they started (a worker will skip them). */
  abandoned = 0;
  /** Jobs finished (any outcome). */
  completed = 0;
  /** How many jobs piscina holds at most: one per thread. */
  private readonly capacity: number;
  /** One state slot per job in piscina (SLOT_*); shared with every worker through workerData. */
  private readonly flags: Int32Array;
  /** Per slot, the threadId of the worker that took the job (written by the worker), to find its exit code. */
  private readonly threadIds: Int32Array;
  /** Slots of `flags` not owned by a job. Invariant: freeSlots.length + jobs.inPool === capacity. */
  private readonly freeSlots: number[] = [];
  private readonly onSettled: () => void;

  constructor(options: DispatcherOptions) {
    this.cancelGraceMs = options.cancelGraceMs;
    this.onSettled = options.onSettled;
    this.capacity = options.maxWorkers;
    const bytes = this.capacity * Int32Array.BYTES_PER_ELEMENT;
    this.flags = new Int32Array(new SharedArrayBuffer(bytes));
    this.threadIds = new Int32Array(new SharedArrayBuffer(bytes));
    for (let slot = this.capacity - 1; slot >= 0; slot--) this.freeSlots.push(slot);
    this.threads = new WorkerThreads({
      maxWorkers: options.maxWorkers,
      idleTimeout: options.idleTimeout,
      resourceLimits: options.resourceLimits,
      flags: this.flags.buffer as SharedArrayBuffer,
      threadIds: this.threadIds.buffer as SharedArrayBuffer,
      onThreadlessError: (err) => this.failNotStarted(err),
      onThreadEnd: (threadId, exitCode) => this.threadEnded(threadId, exitCode),
    });
  }

  /** Jobs handed to the threads, not cancelled, not finished. */
  get running(): number {
    return this.jobs.inPool - this.abandoned;
  }

  /** No job can still run: nothing is queued and every job piscina holds was abandoned. */
  get idle(): boolean {
    return this.jobs.queued === 0 && this.jobs.inPool === this.abandoned;
  }

  enqueue(job: Job<unknown>): void {
    this.jobs.push(job);
    if (this.jobs.inPool < this.capacity) this.start(this.jobs.takeQueued()!);
  }

  /** Rejects every job no worker has started with `reason` (`shutdown({ cancelFutures: true })`). */
  cancelNotStarted(reason: unknown): void {
    for (let job = this.jobs.head; job !== undefined; ) {
      const next = job.next;
      job.cancelIfNotStarted(reason);
      job = next;
    }
  }

  private start(job: Job<unknown>): void {
    const slot = this.freeSlots.pop()!;
    Atomics.store(this.flags, slot, SLOT_IDLE);
    Atomics.store(this.threadIds, slot, 0);
    job.message.slot = slot;
    job.phase = 'in-pool';
    const traced = waitSettleChannel.hasSubscribers;
    if (traced) job.message.notifyStart = true;
    let dispatched: Promise<unknown>;
    try {
      dispatched = this.threads.run(job.message, { signal: job.abort, transferList: job.transfers });
    } catch (err) {
      // E.g. a Worker that cannot be constructed (bad resourceLimits): fail this job, keep the pump going.
      dispatched = Promise.reject(
        new WorkerCrashedError(`Could not start a worker thread: ${String(err)}`, { cause: err }),
      );
    }
    dispatched.then(
      (value: unknown) => job.settle(true, value),
      (failure: unknown) => job.settle(false, failure),
    );
    if (traced) this.watchStart(job, slot);
  }

  /** Tracing: notes when a worker claims the job (its slot leaves IDLE; the worker notifies). */
  private watchStart(job: Job<unknown>, slot: number): void {
    const flags = this.flags;
    const started = (): void => {
      if (job.phase === 'in-pool' && job.message.slot === slot && Atomics.load(flags, slot) === SLOT_RUNNING)
        job.runStartedAt = performance.now();
    };
    const result = waitAsync(flags, slot, SLOT_IDLE);
    if (result.async) result.value.then(started, noop);
    else started();
  }

  /** Threads cannot start: fails the jobs no thread has started (in piscina or queued). */
  private failNotStarted(cause: unknown): void {
    this.cancelNotStarted(
      new WorkerCrashedError(`Could not start a worker thread: ${String(cause)}`, { cause }),
    );
  }

  /**
   * A thread failed or exited. Its own listeners run before piscina's rejection of the job it ran reaches
   * `Job.settle`, so the job learns how its thread ended from the thread itself, not from piscina's text.
   */
  private threadEnded(threadId: number, exitCode: number | undefined): void {
    for (let job = this.jobs.head; job !== undefined && job.phase !== 'queued'; job = job.next) {
      if (Atomics.load(this.threadIds, job.message.slot) !== threadId) continue;
      if (exitCode === undefined) job.threadFailed = true;
      else job.exitCode = exitCode;
    }
  }

  // ---- JobHost: called by Job ----

  jobDequeued(job: Job<unknown>): void {
    this.jobs.remove(job, true);
    this.onSettled();
  }

  jobAbandoned(_job: Job<unknown>): void {
    this.abandoned++;
    this.onSettled();
  }

  jobFinished(job: Job<unknown>, abandoned: boolean): void {
    if (abandoned) this.abandoned--;
    this.jobs.remove(job, false);
    this.freeSlots.push(job.message.slot);
    this.completed++;
    // The place is free: the oldest queued job takes it (a new thread, if this job's thread died).
    const next = this.jobs.takeQueued();
    if (next !== undefined) this.start(next);
    this.onSettled();
  }

  cancelIdle(job: Job<unknown>): boolean {
    return Atomics.compareExchange(this.flags, job.message.slot, SLOT_IDLE, SLOT_CANCELLED) === SLOT_IDLE;
  }

  cancelRunning(job: Job<unknown>): void {
    Atomics.store(this.flags, job.message.slot, SLOT_CANCELLED);
    Atomics.notify(this.flags, job.message.slot); // wakes the job's jobSignal() watcher
  }

  jobStarted(job: Job<unknown>): boolean {
    return Atomics.load(this.flags, job.message.slot) !== SLOT_IDLE;
  }

  killJob(job: Job<unknown>): void {
    // A thread that is still starting is not registered yet: register it now, so its exit is awaited too.
    this.threads.track();
    job.abortInPiscina();
  }

  translateFailure(job: Job<unknown>, failure: unknown): unknown {
    if (isEncodedFailure(failure)) {
      if (isCancelledBeforeStart(failure))
        return new CancelledError(`thread job ${job.spec.name} was cancelled`);
      return decodeFailure(failure);
    }
    // An argument that structured clone refuses (a function, a class instance with private state…).
    if (failure instanceof Error && failure.name === 'DataCloneError') return failure;
    if (failure instanceof WorkerCrashedError) return failure;
    // A thread that failed with an error of its own also exits (code 1): the error says more.
    return crashError(job.spec.name, failure, job.threadFailed ? undefined : job.exitCode);
  }
}
