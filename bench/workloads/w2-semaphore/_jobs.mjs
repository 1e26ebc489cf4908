// The job every implementation limits, and the checks of a run.
export const N = 100_000;
export const LIMIT = 100;
export const MEASURE = { warmup: 3, iterations: 7, budgetMs: 15_000 };

let active = 0;
let peak = 0;

function finish(resolve, i) {
  active--;
  resolve(i);
}

/** One job: counts itself as running until a setImmediate resolves it with its index. */
export function job(i) {
  if (++active > peak) peak = active;
  return new Promise((resolve) => {
    setImmediate(finish, resolve, i);
  });
}

/** Resets the peak before a run. */
export function resetPeak() {
  peak = 0;
}

/** True when `results` holds 0..N-1 in order and exactly LIMIT jobs ran at once at the peak. */
export function verify(results) {
  if (results.length !== N || peak !== LIMIT || active !== 0) return false;
  for (let i = 0; i < N; i++) if (results[i] !== i) return false;
  return true;
}

/** Times one run of `runAll()` (which resolves with the results) and checks it. */
export function timedRun(runAll, state) {
  return async () => {
    resetPeak();
    const t0 = performance.now();
    const results = await runAll();
    const ms = performance.now() - t0;
    state.ok &&= verify(results);
    state.peak = peak;
    return ms;
  };
}
