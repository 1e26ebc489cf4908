// Shared by the w11 implementations: 1,000 runs of /bin/true, at most 16 at once.
export const N = 1000;
export const CONCURRENCY = 16;
export const PROGRAM = '/bin/true';
export const MEASURE = { warmup: 1, iterations: 3, budgetMs: 30_000 };

/** Runs `job(i)` for i < N from CONCURRENCY workers; true when every job returned true. */
export async function pool(job) {
  let next = 0;
  let ok = true;
  const worker = async () => {
    while (next < N) {
      const i = next++;
      ok = (await job(i)) && ok;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return ok;
}
