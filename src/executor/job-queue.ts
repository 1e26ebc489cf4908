/**
 * The one queue of a `ThreadPoolExecutor`: every job it holds and piscina has not settled, in submission
 * order, each recording its own phase (`Job.phase`). Jobs are handed to piscina from the front, one per
 * thread, so the queue is always the jobs in piscina (`in-pool`, `stopping`, `killed`, `abandoned`) followed by
 * those still waiting for a thread (`queued`); `#firstQueued` marks the boundary. It is the core's intrusive
 * list (links on the job): a job leaves it in O(1) when it is cancelled before it was handed over, or when
 * piscina settles it, and a walk from the front visits exactly the jobs that `shutdown({ cancelFutures })`
 * must look at.
 * @internal
 * @module
 */
import { LinkedList } from '../core/linked-list.js';
import type { Job } from './job.js';

/** @internal */
export class JobQueue {
  readonly #list = new LinkedList<Job<unknown>>();
  /** The oldest job not handed to piscina yet: everything before it is in piscina. */
  #firstQueued: Job<unknown> | undefined = undefined;
  /** Jobs waiting for a thread. */
  queued = 0;
  /** Jobs handed to piscina and not settled by it. */
  inPool = 0;

  /** The oldest job, for a walk along `job.next`. */
  get head(): Job<unknown> | undefined {
    return this.#list.head;
  }

  /** Appends a job that waits for a thread. */
  push(job: Job<unknown>): void {
    this.#list.push(job);
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
    this.#list.remove(job);
  }
}
