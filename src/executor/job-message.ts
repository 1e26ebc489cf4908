/**
 * The message a job travels in, from the executor to its worker (one per job, structured-cloned by piscina).
 * @internal
 * @module
 */

/** The `workerData` key under which every worker receives the executor's cancellation flags. */
export const FLAGS_KEY = 'asyncioTsJobFlags';

/** One job: what to call, with which arguments, and which slot of the flags is its cancellation flag. */
export interface JobMessage {
  /** Source text of a function sent by source, or undefined for a module export. */
  source: string | undefined;
  sourceUrl: string | undefined;
  moduleUrl: string | undefined;
  exportName: string | undefined;
  args: unknown[];
  /** Index of the job's flag in the shared `Int32Array`; set when the job is handed to a worker. */
  slot: number;
}
