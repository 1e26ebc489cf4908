// W3: 1,000,000 items through a queue of 1,000 slots: one producer, four consumers, taskDone()/join(), the
// seed's producer/consumer program at scale. Consumers stop on a sentinel (-1), as in the seed, so every
// implementation does the same work. Each consumer adds up what it got; the check is count and sum.
export const N = 1_000_000;
export const MAXSIZE = 1000;
export const CONSUMERS = 4;
export const SENTINEL = -1;
export const EXPECTED_SUM = (N * (N - 1)) / 2;

/** True when the consumers together got every item exactly once (count and sum). */
export function verify(counts, sums) {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    count += counts[i];
    sum += sums[i];
  }
  return count === N && sum === EXPECTED_SUM;
}

/** Runs `fn` and returns its wall time and the process's CPU time (user + system) in milliseconds. */
export async function timed(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { result, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** The median of the CPU times of the timed runs (the last `timedRuns` of `cpuSamples`, after the warm-ups). */
export function medianCpu(cpuSamples, timedRuns) {
  const timed = cpuSamples.slice(-timedRuns).sort((a, b) => a - b);
  const mid = timed.length >> 1;
  return timed.length % 2 === 1 ? timed[mid] : (timed[mid - 1] + timed[mid]) / 2;
}

/** Warm-up discarded, then the median of the timed runs. */
export const MEASURE = { warmup: 2, iterations: 5, budgetMs: 20_000 };
