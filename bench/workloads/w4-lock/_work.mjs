// The critical section every implementation protects, and the check of a run.
export const TASKS = 100;
export const ROUNDS = 1000;
export const MEASURE = { warmup: 3, iterations: 9, budgetMs: 15_000 };

const ready = Promise.resolve();
export const state = { counter: 0 };

/** Read, await once, write: a lost update unless the lock excludes the other tasks. */
export async function critical() {
  const value = state.counter;
  await ready;
  state.counter = value + 1;
}

/** Times one run of `runAll()` and checks the count. */
export function timedRun(runAll, result) {
  return async () => {
    state.counter = 0;
    const t0 = performance.now();
    await runAll();
    const ms = performance.now() - t0;
    result.ok &&= state.counter === TASKS * ROUNDS;
    return ms;
  };
}
