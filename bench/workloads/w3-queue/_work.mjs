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

/** Warm-up discarded, then the median of the timed runs. */
export const MEASURE = { warmup: 2, iterations: 5, budgetMs: 20_000 };
