/**
 * The lifecycle of a `ThreadPoolExecutor` as one named state machine with checked transitions (CPython's
 * `asyncio/timeouts.py` habit): `open` → `shutting-down` (no new jobs; accepted ones finish) → `closing`
 * (no job can run any more: the pool is being destroyed and its threads awaited) → `shut-down`. Every
 * transition goes through `to()`, which refuses any other order, so a second shutdown or a late job
 * callback cannot close twice or reopen. The `closed` promise belongs to the machine, made on the first
 * shutdown.
 * @module
 */

/** The states, in order; `closing` shows as `'shutting-down'` to users. @internal */
export type LifecycleState = 'open' | 'shutting-down' | 'closing' | 'shut-down';

const NEXT: Readonly<Record<LifecycleState, LifecycleState | undefined>> = {
  open: 'shutting-down',
  'shutting-down': 'closing',
  closing: 'shut-down',
  'shut-down': undefined,
};

/** @internal */
export class ExecutorLifecycle {
  #state: LifecycleState = 'open';
  #closed: Promise<void> | undefined = undefined;
  #resolveClosed: (() => void) | undefined = undefined;

  get state(): LifecycleState {
    return this.#state;
  }

  /** What `statistics()` reports. */
  get publicState(): 'open' | 'shutting-down' | 'shut-down' {
    return this.#state === 'closing' ? 'shutting-down' : this.#state;
  }

  /** Resolves once the machine reaches `shut-down` (made on first use). */
  get closed(): Promise<void> {
    if (this.#closed === undefined) {
      this.#closed = new Promise<void>((resolve) => {
        this.#resolveClosed = resolve;
      });
    }
    return this.#closed;
  }

  /** Moves to `next`, which must be the state after the current one (an internal error otherwise). */
  to(next: LifecycleState): void {
    if (NEXT[this.#state] !== next) {
      throw new Error(`ThreadPoolExecutor: invalid lifecycle transition ${this.#state} → ${next}`);
    }
    this.#state = next;
    if (next === 'shut-down') {
      void this.closed;
      this.#resolveClosed!();
    }
  }
}
