// Paired measurement: the same loop of N operations without and with a timeout, alternated, after warm-up.
import { activeTimers, cpuMs, median, round4 } from '../../lib/bench-kit.mjs';

export const N = 100_000;
export const TIMEOUT_MS = 1000;

const ready = Promise.resolve();

/** One operation: await one resolved promise. */
export async function op(i) {
  await ready;
  return i;
}

/**
 * `bare()` and `timed()` each run the N operations once and return the sum of their results. Returns the
 * result for the harness: median extra µs per operation over `pairs` pairs (after `warmup` pairs), ok when
 * every loop summed right and no timer is left.
 */
export async function extraPerOp(bare, timed, { warmup = 2, pairs = 5, budgetMs = 8000 } = {}) {
  const expected = (N * (N - 1)) / 2;
  let ok = true;
  const extras = [];
  const cpuExtras = [];
  const bareMs = [];
  const timedMs = [];
  let k = 0;
  // Alternates which loop goes first, so that neither always runs on a fresher heap.
  const pair = async () => {
    const order = k++ % 2 === 0 ? [bare, timed] : [timed, bare];
    const times = new Map();
    const cpu = new Map();
    for (const loop of order) {
      const c0 = cpuMs();
      const t0 = performance.now();
      const sum = await loop();
      times.set(loop, performance.now() - t0);
      cpu.set(loop, cpuMs() - c0);
      ok &&= sum === expected;
    }
    return [times.get(bare), times.get(timed), cpu.get(timed) - cpu.get(bare)];
  };
  // A slow implementation stops early (one warm-up, three pairs) to keep the whole run bounded.
  const started = performance.now();
  const overBudget = () => performance.now() - started > budgetMs;
  for (let w = 0; w < warmup && !(w >= 1 && overBudget()); w++) await pair();
  for (let p = 0; p < pairs && !(p >= 3 && overBudget()); p++) {
    const [bareTime, timedTime, cpuExtra] = await pair();
    bareMs.push(bareTime);
    timedMs.push(timedTime);
    extras.push(((timedTime - bareTime) * 1000) / N);
    cpuExtras.push((cpuExtra * 1000) / N);
  }
  const timers = await activeTimers();
  ok &&= timers.Timeout === 0 && timers.Immediate === 0;
  return {
    value: median(extras),
    ok,
    info: {
      cpuExtra: round4(median(cpuExtras)),
      bareMsMedian: round4(median(bareMs)),
      timedMsMedian: round4(median(timedMs)),
      extras: extras.map(round4),
      timersLeft: timers,
    },
  };
}
