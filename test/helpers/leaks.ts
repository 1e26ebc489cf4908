/**
 * Leak checks for tests: after a test, no timer, immediate, socket or worker handle of ours is left, so
 * nothing keeps the process alive. Uses `process.getActiveResourcesInfo()` (Node ≥ 17). And no 'abort' listener
 * is left on a signal a waiting call was given, however the call ended (`events.getEventListeners`).
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';

/** Counts active resources by type, e.g. `{ Timeout: 1 }`. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Waits a couple of event-loop turns, then asserts that no Timeout or Immediate is active. */
export async function assertNoTimers(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
  const counts = activeResources();
  assert.equal(counts.Timeout ?? 0, 0, `timers left: ${JSON.stringify(counts)}`);
  assert.equal(counts.Immediate ?? 0, 0, `immediates left: ${JSON.stringify(counts)}`);
}

/** Resolves after `turns` turns of the event loop (setImmediate), to let other tasks progress. */
export async function turns(count = 1): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** How many 'abort' listeners `signal` has now (Node's own count, so it sees the library's listeners too). */
export function abortListenerCount(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

/** Asserts that nobody listens to `signal` any more: the calls it was given have all let go of it. */
export function assertNoAbortListeners(signal: AbortSignal, what = 'signal'): void {
  assert.equal(abortListenerCount(signal), 0, `${what}: an 'abort' listener is left on the signal`);
}
