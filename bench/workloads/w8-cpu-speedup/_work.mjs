// Shared by the w8 implementations: count the primes below LIMIT, split into CHUNKS ranges.
import { availableParallelism } from 'node:os';

export const LIMIT = 3_000_000;
export const CHUNKS = 32;
export const EXPECTED = 216_816; // primes below 3,000,000
export const THREADS = availableParallelism();
export const PRIMES_URL = new URL('./_primes.mjs', import.meta.url);
export const MEASURE = { warmup: 1, iterations: 5, budgetMs: 30_000 };

/** The [from, to) ranges of the chunks. */
export function chunks() {
  const size = Math.ceil(LIMIT / CHUNKS);
  return Array.from({ length: CHUNKS }, (_, i) => [i * size, Math.min(LIMIT, (i + 1) * size)]);
}
