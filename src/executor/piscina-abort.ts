/**
 * The handle piscina listens on to abort one job: piscina's `run(task, { signal })` accepts any object with
 * `addEventListener('abort', …)` and `aborted` (its documented `AbortSignalEventTarget`), and aborting it
 * rejects the run and terminates the worker running it. A plain object, not an `AbortController` (no
 * EventTarget per job), and not the job itself: the job is a waiter, not a signal.
 * @internal
 * @module
 */

/** @internal */
export class PiscinaAbort {
  /** Read by piscina when the job is handed to it. */
  aborted = false;
  #listener: (() => void) | undefined = undefined;

  addEventListener(_type: 'abort', listener: () => void): void {
    this.#listener = listener;
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    if (this.#listener === listener) this.#listener = undefined;
  }

  /** Aborts: piscina's listener runs once. */
  fire(): void {
    this.aborted = true;
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.();
  }
}
