// The body every implementation runs per task, and the check of the joined results.
export const N = 100_000;

const ready = Promise.resolve();

/** One task's work: await one resolved promise (one yield), return the index. */
export async function work(i) {
  await ready;
  return i;
}

/** True when `results` holds every index 0..N-1 in order. */
export function verify(results) {
  if (results.length !== N) return false;
  for (let i = 0; i < N; i++) if (results[i] !== i) return false;
  return true;
}

/**
 * The first runs of a process are several times slower (the young generation grows, code gets optimised):
 * measure the steady state. Garbage of a run is collected during later runs, as in a long-lived program.
 */
export const MEASURE = { warmup: 4, iterations: 5, budgetMs: 8000 };
