/**
 * The message a job travels in, from the executor to its worker (one per job, structured-cloned by piscina).
 * @internal
 * @module
 */

/** The `workerData` key under which every worker receives the executor's job slots. */
export const FLAGS_KEY = 'asyncioTsJobFlags';

/**
 * The `workerData` key of the per-slot thread ids: a worker writes its `threadId` into the job's slot before
 * it claims the job, so that the executor can tell which job a thread that exits was running.
 */
export const THREAD_IDS_KEY = 'asyncioTsJobThreads';

// The states of a job's slot in the shared Int32Array. Both threads move it with compareExchange, so that a
// cancellation and the start of the job cannot both win:
//   IDLE → RUNNING    the worker starts the job;
//   IDLE → CANCELLED  cancelled before it started: the worker will skip it;
//   RUNNING → CANCELLED  cancelled while it runs: cancelled() and jobSignal() see it.
/** Handed to the pool, not started yet. */
export const SLOT_IDLE = 0;
/** A worker runs the job. */
export const SLOT_RUNNING = 1;
/** The job was cancelled. */
export const SLOT_CANCELLED = 2;

/** One job: what to call, with which arguments, and which slot of the flags is its cancellation flag. */
export interface JobMessage {
  /** Source text of a function sent by source, or undefined for a module export. */
  source: string | undefined;
  sourceUrl: string | undefined;
  moduleUrl: string | undefined;
  exportName: string | undefined;
  args: unknown[];
  /** Index of the job's slot in the shared `Int32Array`; set when the job is handed to the pool. */
  slot: number;
  /**
   * Set while a tracer listens: the worker `Atomics.notify`s the slot when it starts the job, so that the
   * trace can tell the job's time in the queue from its run time.
   */
  notifyStart?: true;
}

/** @internal */
export type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<string> };
// Atomics.waitAsync is in Node >= 16 but not in the ES2023 lib this package compiles against.
/** `Atomics.waitAsync`, typed: both sides of a job's slot wait on it. @internal */
export const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
