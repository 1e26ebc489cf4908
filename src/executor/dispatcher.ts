/**
 * The scheduling side of a `ThreadPoolExecutor`: its FIFO of queued jobs, the jobs handed to piscina (at most
 * `2 × maxWorkers`: one running and one next in line per thread, each owning a slot of the shared flags), and
 * the {@link JobHost} calls a job makes as it is cancelled, finishes or loses its thread. The executor keeps
 * the public API and the lifecycle; this class keeps the counts those decisions read.
 * @internal
 * @module
 */
import type { ResourceLimits } from 'node:worker_threads';
import { waitSettleChannel } from '../core/channels.js';
import { CancelledError } from '../core/errors.js';
import { WaiterQueue } from '../core/waiter.js';
import { decodeFailure, isCancelledBeforeStart, isEncodedFailure } from './error-transport.js';
import { WorkerCrashedError } from './errors.js';
import { DISPATCHED, type Job, type JobHost } from './job.js';
import { SLOT_CANCELLED, SLOT_IDLE, SLOT_RUNNING, waitAsync } from './job-message.js';
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
  /** Jobs waiting for a place in piscina, in submission order. */
  readonly queue = new WaiterQueue<Job<unknown>>();
  /** Jobs handed to piscina and not settled by it. */
  running = 0;
  /** Of those, the ones cancelled before they started (a worker will skip them). */
  abandoned = 0;
  /** Jobs finished (any outcome). */
  completed = 0;
  /** How many jobs piscina holds at most: one running and one next in line per thread. */
  private readonly capacity: number;
  /** One state slot per job handed to piscina (SLOT_*); shared with every worker through workerData. */
  private readonly flags: Int32Array;
  /** Slots of `flags` not owned by a job. Invariant: freeSlots.length + running === capacity. */
  private readonly freeSlots: number[] = [];
  /** The jobs handed to piscina, oldest first (an intrusive list), for `shutdown({ cancelFutures: true })`. */
  private dispatchedHead: Job<unknown> | undefined = undefined;
  private dispatchedTail: Job<unknown> | undefined = undefined;
  private readonly onSettled: () => void;

  constructor(options: DispatcherOptions) {
    this.cancelGraceMs = options.cancelGraceMs;
    this.onSettled = options.onSettled;
    this.capacity = 2 * options.maxWorkers;
    this.flags = new Int32Array(new SharedArrayBuffer(this.capacity * Int32Array.BYTES_PER_ELEMENT));
    for (let slot = this.capacity - 1; slot >= 0; slot--) this.freeSlots.push(slot);
    this.threads = new WorkerThreads({
      maxWorkers: options.maxWorkers,
      idleTimeout: options.idleTimeout,
      resourceLimits: options.resourceLimits,
      flags: this.flags.buffer as SharedArrayBuffer,
      onThreadlessError: (err) => this.failWaitingJobs(err),
    });
  }

  /** No job can still run: the queue is empty and every job piscina holds was abandoned. */
  get idle(): boolean {
    return this.queue.size === 0 && this.running === this.abandoned;
  }

  /** Rejects every job no worker has started with `reason` (`shutdown({ cancelFutures: true })`). */
  cancelNotStarted(reason: unknown): void {
    for (let job = this.queue.shift(); job !== undefined; job = this.queue.shift()) job.cancel(reason);
    // Jobs next in line for a thread have not started either; the running ones finish.
    for (let job = this.dispatchedHead; job !== undefined; ) {
      const next = job.dispatchedNext;
      job.cancelIfNotStarted(reason);
      job = next;
    }
  }

  enqueue(job: Job<unknown>): void {
    if (this.running < this.capacity && this.queue.size === 0) this.start(job);
    else this.queue.push(job);
  }

  private start(job: Job<unknown>): void {
    const slot = this.freeSlots.pop()!;
    Atomics.store(this.flags, slot, SLOT_IDLE);
    job.message.slot = slot;
    job.phase = DISPATCHED;
    this.running++;
    const tail = this.dispatchedTail;
    job.dispatchedPrev = tail;
    if (tail !== undefined) tail.dispatchedNext = job;
    else this.dispatchedHead = job;
    this.dispatchedTail = job;
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
      if (job.phase === DISPATCHED && job.message.slot === slot && Atomics.load(flags, slot) === SLOT_RUNNING)
        job.runStartedAt = performance.now();
    };
    const result = waitAsync(flags, slot, SLOT_IDLE);
    if (result.async) result.value.then(started, noop);
    else started();
  }

  /** Fails the jobs handed to the pool that no thread has started (their slots stay reserved until piscina lets go). */
  private failWaitingJobs(cause: unknown): void {
    const error = new WorkerCrashedError(`Could not start a worker thread: ${String(cause)}`, { cause });
    for (let job = this.dispatchedHead; job !== undefined; ) {
      const next = job.dispatchedNext;
      job.cancelIfNotStarted(error);
      job = next;
    }
  }

  // ---- JobHost: called by Job ----

  jobAbandoned(_job: Job<unknown>): void {
    this.abandoned++;
    this.onSettled();
  }

  jobFinished(job: Job<unknown>, abandoned: boolean): void {
    if (abandoned) this.abandoned--;
    const prev = job.dispatchedPrev;
    const next = job.dispatchedNext;
    if (prev !== undefined) prev.dispatchedNext = next;
    else this.dispatchedHead = next;
    if (next !== undefined) next.dispatchedPrev = prev;
    else this.dispatchedTail = prev;
    job.dispatchedPrev = job.dispatchedNext = undefined;
    this.freeSlots.push(job.message.slot);
    this.running--;
    this.completed++;
    while (this.running < this.capacity) {
      const next = this.queue.shift();
      if (next === undefined) break;
      this.start(next);
    }
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
    this.replaceLostThread();
    return crashError(job.spec.name, failure);
  }

  threadKilled(_job: Job<unknown>): void {
    this.replaceLostThread();
  }

  /** A thread died under a job: jobs still handed to piscina need a thread (see `WorkerThreads.replaceLost`). */
  private replaceLostThread(): void {
    if (this.running > 0) this.threads.replaceLost();
  }
}
