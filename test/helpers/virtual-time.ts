/**
 * Tests own time: `runVirtual(main)` is `run(main)` on a fresh autojumping `VirtualClock` (trio's
 * `autojump_clock`), so a 10 s sleep or timeout in a test costs no real time and deadlines fire in the same
 * order on every run, however loaded the machine. Tests that must see the real clock say so in their name
 * (`real time:`) and keep loose bounds.
 */
import { run } from 'asyncio-ts';
import { VirtualClock } from 'asyncio-ts/testing';

/** Runs `main` on an autojumping virtual clock (pass one to drive it by hand or read its statistics). */
export function runVirtual<T>(main: () => Promise<T>, clock: VirtualClock = new VirtualClock()): Promise<T> {
  return run(main, { clock });
}
