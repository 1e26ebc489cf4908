// The shared procedure: create N sleepers, measure the heap they hold, cancel them all, time until every one
// settled, check the outcome; warm-up runs first, medians of the timed runs.
import { activeTimers, cpuMs, heapUsedAfterGc, median, round4, turns } from '../../lib/bench-kit.mjs';

export const N = 10_000;
export const SLEEP_MS = 10_000;

/**
 * `create()` starts N sleepers and returns a handle; `cancelAndSettle(handle)` cancels them all and resolves
 * once every one settled, with the number that ended cancelled.
 */
export async function cancelSleepers(create, cancelAndSettle, { warmup = 1, runs = 5 } = {}) {
  let ok = true;
  const ms = [];
  const cpuMsList = [];
  const bytes = [];
  for (let k = 0; k < warmup + runs; k++) {
    const before = heapUsedAfterGc();
    let handle = create();
    await turns(1); // every sleeper has started and is waiting
    const pending = heapUsedAfterGc();
    const c0 = cpuMs();
    const t0 = performance.now();
    const cancelled = await cancelAndSettle(handle);
    const elapsed = performance.now() - t0;
    const cpu = cpuMs() - c0;
    handle = undefined;
    ok &&= cancelled === N;
    if (k < warmup) continue;
    ms.push(elapsed);
    cpuMsList.push(cpu);
    bytes.push((pending - before) / N);
  }
  const timers = await activeTimers();
  ok &&= timers.Timeout === 0 && timers.Immediate === 0;
  return {
    value: median(ms),
    ok,
    info: {
      bytesPerTask: round4(median(bytes)),
      cpuMs: round4(median(cpuMsList)),
      ms: ms.map(round4),
      bytes: bytes.map(round4),
      timersLeft: timers,
    },
  };
}
