// Shared by the w7 implementations: 10,000 tiny jobs (n → n + 1) submitted at once and awaited together.
import { availableParallelism } from 'node:os';

export const N = 10_000;
export const THREADS = availableParallelism();
export const JOB_URL = new URL('./_job.mjs', import.meta.url);

/** Every result is its input plus one. */
export function verify(results) {
  if (results.length !== N) return false;
  for (let i = 0; i < N; i++) if (results[i] !== i + 1) return false;
  return true;
}

export const MEASURE = { warmup: 2, iterations: 7, budgetMs: 20_000 };
