/**
 * The one queue of a `ThreadPoolExecutor`: every job it holds and piscina has not settled, in submission
 * order, each recording its own phase (`Job.phase`). Jobs are handed to piscina from the front, one per
 * thread, so the queue is always the jobs in piscina (`in-pool`, `stopping`, `killed`, `abandoned`) followed by
 * those still waiting for a thread (`queued`); `#firstQueued` marks the boundary. An intrusive list (links on
 * the job): a job leaves it in O(1) when it is cancelled before it was handed over, or when piscina settles
 * it, and a walk from the front visits exactly the jobs that `shutdown({ cancelFutures })` must look at.
 * @internal
 * @module
 */
import type { Job } from './job.js';

/** @internal */
export class JobQueue {
  #head: Job<unknown> | undefined = undefined;
  #tail: Job<unknown> | undefined = undefined;
  /** The oldest job not handed to piscina yet: everything before it is in piscina. */
  #firstQueued: Job<unknown> | undefined = undefined;
  /** Jobs waiting for a thread. */
  queued = 0;
  /** Jobs handed to piscina and not settled by it. */
  inPool = 0;

  /** The oldest job, for a walk along `job.next`. */
  get head(): Job<unknown> | undefined {
    return this.#head;
  }

  /** Appends a job that waits for a thread. */
  push(job: Job<unknown>): void {
    const tail = this.#tail;
    job.prev = tail;
    job.next = undefined;
    if (tail !== undefined) tail.next = job;
    else this.#head = job;
    this.#tail = job;
    if (this.#firstQueued === undefined) this.#firstQueued = job;
    this.queued++;
  }

  /** The oldest queued job, now counted as handed to piscina (it stays in place). */
  takeQueued(): Job<unknown> | undefined {
    const job = this.#firstQueued;
    if (job === undefined) return undefined;
    this.#firstQueued = job.next;
    this.queued--;
    this.inPool++;
    return job;
  }

  /** Unlinks a job: one cancelled while queued (`wasQueued`), or one piscina has settled. */
  remove(job: Job<unknown>, wasQueued: boolean): void {
    if (wasQueued) {
      if (this.#firstQueued === job) this.#firstQueued = job.next;
      this.queued--;
    } else this.inPool--;
    const prev = job.prev;
    const next = job.next;
    if (prev !== undefined) prev.next = next;
    else this.#head = next;
    if (next !== undefined) next.prev = prev;
    else this.#tail = prev;
    job.prev = job.next = undefined;
  }
}
