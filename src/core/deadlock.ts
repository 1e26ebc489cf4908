/**
 * A run that can never finish. Node emits `beforeExit` when its event loop has nothing left to do: no timer,
 * socket, worker or pending I/O. If a run's `main` is still pending then, every task of the run waits on
 * something (an `Event`, a lock, a foreign promise) that nothing left in the program can settle: asyncio
 * would hang, and Node alone would exit silently with status 13 (an unsettled top-level await).
 *
 * A run watched here is reported on the second empty loop in a row (another `beforeExit` listener may still
 * give the loop work that wakes it): its task tree goes to stderr under one line saying so, and the run's
 * `onDeadlock` cancels `main`, so its `finally` blocks run and `run()` settles. If that clean-up can never
 * finish either, the process exits at the next empty loop.
 * @module
 */
import { loadDebugLayer } from './debug-hooks.js';
import type { RunState } from './run-state.js';

interface Watched {
  readonly state: RunState;
  readonly name: string;
  readonly onDeadlock: () => void;
  /** Empty loops seen in a row while the run was pending. */
  strikes: number;
  reported: boolean;
}

/** The status a process ends with when a run can never finish. @internal */
export const DEADLOCK_EXIT_STATUS = 1;

const watched = new Set<Watched>();

/**
 * Watches `state` until the returned function is called; calls `onDeadlock` (after printing the report)
 * if the event loop empties while the run is pending. @internal
 */
export function watchForDeadlock(state: RunState, name: string, onDeadlock: () => void): () => void {
  const entry: Watched = { state, name, onDeadlock, strikes: 0, reported: false };
  if (watched.size === 0) process.on('beforeExit', onBeforeExit);
  watched.add(entry);
  return () => {
    if (!watched.delete(entry)) return;
    if (watched.size === 0) process.removeListener('beforeExit', onBeforeExit);
  };
}

function onBeforeExit(): void {
  let again = false;
  for (const entry of [...watched]) {
    entry.strikes++;
    if (entry.strikes === 1) {
      again = true;
    } else if (!entry.reported) {
      entry.reported = true;
      again = true;
      void report(entry);
    } else {
      process.stderr.write(
        `asyncio-ts: run ${JSON.stringify(entry.name)} can never finish, nor can its clean-up; exiting\n`,
      );
      process.exit(DEADLOCK_EXIT_STATUS);
    }
  }
  // One more turn of the loop: beforeExit comes again only if the loop had something to do.
  if (again) setImmediate(noop);
}

async function report(entry: Watched): Promise<void> {
  let text: string;
  // formatRunTree appends the count: "… nothing can wake these tasks (3 pending tasks)".
  const line = `asyncio-ts: run ${JSON.stringify(entry.name)} can never finish: nothing can wake these tasks`;
  try {
    const layer = await loadDebugLayer();
    text = layer.formatRunTree(entry.state, line);
  } catch (err) {
    text = `${line}\n(the task tree could not be drawn: ${String(err)})`;
  }
  process.stderr.write(`${text}\n`);
  entry.strikes = 0;
  entry.onDeadlock();
  setImmediate(noop);
}

function noop(): void {}
