/**
 * Every waiting call that takes `{ signal }` listens to it only while it waits. `checkSignalEndings` ends one
 * waiting call in each way it can end (settled, its signal aborted, its task cancelled, a timeout around it,
 * the signal aborted before the call) on a virtual clock, and asserts after each that no 'abort' listener is
 * left on the signal, and while it waits that it does listen (so the check cannot pass vacuously).
 * A wait on foreign I/O (a stream read) holds the clock: pass `{ holdsClock: true }` and the check steps event-loop
 * turns and jumps the clock by hand instead of waiting for every task to block.
 */
import assert from 'node:assert/strict';
import { CancelledError, checkpoint, createTask, TimeoutError, timeout } from 'asyncio-ts';
import { VirtualClock, waitAllTasksBlocked } from 'asyncio-ts/testing';
import { abortListenerCount, assertNoAbortListeners } from './leaks.js';
import { runVirtual } from './virtual-time.js';

/** One waiting call, made fresh for each ending. */
export interface SignalCase {
  /** Makes the call with `signal`; it must wait (not settle at once). */
  wait(signal: AbortSignal): Promise<unknown>;
  /** Lets the waiting call settle normally (fulfilled, or rejected by the primitive). */
  release(): void;
}

export const ENDINGS = [
  'settled',
  'aborted',
  'task cancelled',
  'timed out',
  'aborted before the call',
] as const;

/** Runs `make()`'s call to each of {@link ENDINGS}; asserts the outcome and that nothing listens afterwards. */
export async function checkSignalEndings(
  make: () => SignalCase,
  { holdsClock = false }: { holdsClock?: boolean } = {},
): Promise<void> {
  const clock = new VirtualClock({ autojump: !holdsClock });
  const settle = async (): Promise<void> => {
    if (!holdsClock) return waitAllTasksBlocked();
    for (let i = 0; i < 3; i++) await checkpoint();
  };
  await runVirtual(async () => {
    for (const ending of ENDINGS) {
      const call = make();
      const controller = new AbortController();
      const { signal } = controller;
      const reason = new Error(`stop (${ending})`);
      if (ending === 'aborted before the call') {
        controller.abort(reason);
        await assert.rejects(call.wait(signal), (err: unknown) => err === reason);
        assertNoAbortListeners(signal, ending);
        continue;
      }
      const task = createTask(() =>
        ending === 'timed out' ? timeout(60_000, () => call.wait(signal)) : call.wait(signal),
      );
      await settle();
      assert.equal(task.done(), false, `${ending}: the call waits`);
      assert.ok(abortListenerCount(signal) >= 1, `${ending}: the waiting call listens to its signal`);
      if (ending === 'settled') {
        call.release();
        await task.then(undefined, () => undefined);
        assert.equal(task.cancelled(), false, `${ending}: not cancelled`);
      } else if (ending === 'aborted') {
        controller.abort(reason);
        await assert.rejects(
          async () => task,
          (err: unknown) => err === reason,
        );
      } else if (ending === 'task cancelled') {
        task.cancel();
        await assert.rejects(async () => task, CancelledError);
      } else {
        if (holdsClock) clock.jump(60_000);
        await assert.rejects(async () => task, TimeoutError);
      }
      assertNoAbortListeners(signal, ending);
    }
  }, clock);
}
