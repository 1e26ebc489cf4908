// asyncio-ts: the chunks through toThread on the run's default executor (one thread per core), gathered;
// the threads are started by the warm-up round. The event loop stays free: a ticker counts 10 ms ticks.
import { gather, run } from 'asyncio-ts';
import { toThread, workerFunction } from 'asyncio-ts/executor';
import { main, measure } from '../../lib/bench-kit.mjs';
import { chunks, EXPECTED, MEASURE, PRIMES_URL, THREADS } from './_work.mjs';

const countPrimes = workerFunction(PRIMES_URL, 'countPrimes');

await main(() =>
  run(async () => {
    let ok = true;
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const m = await measure(async () => {
      const counts = await gather(...chunks().map(([from, to]) => toThread(countPrimes, from, to)));
      ok &&= counts.reduce((a, b) => a + b, 0) === EXPECTED;
    }, MEASURE);
    clearInterval(ticker);
    return { value: m.median, ok, info: { threads: THREADS, ticks } };
  }),
);
