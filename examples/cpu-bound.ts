// CPU-bound work: counting primes on the main thread blocks the event loop; spread over worker threads (one
// per core) it runs in parallel, and the event loop keeps ticking meanwhile. A task counts 10 ms ticks to
// show it: none while the main thread computes, about (time / 10 ms) while the threads do.
import { availableParallelism } from 'node:os';
import { createTask, gather, run, sleep } from 'asyncio-ts';
import { toThread, workerFunction } from 'asyncio-ts/executor';
import { countPrimes } from './primes.js';

const LIMIT = 5_000_000;
const CHUNKS = 32; // more chunks than threads: the high ranges cost more, small chunks even the load out

// The same function, for the threads: imported there from its module (tsx runs primes.ts for primes.js).
const countPrimesInThread = workerFunction<typeof countPrimes>(
  new URL('./primes.js', import.meta.url),
  'countPrimes',
);

async function measure(label: string, work: () => Promise<number>): Promise<number> {
  let ticks = 0;
  const ticker = createTask(async () => {
    for (;;) {
      await sleep(10);
      ticks++;
    }
  });
  await sleep(0); // let the ticker start
  const start = performance.now();
  const primes = await work();
  const seconds = (performance.now() - start) / 1000;
  ticker.cancel();
  console.log(
    `${label}: ${primes} primes below ${LIMIT.toLocaleString('en')} in ${seconds.toFixed(2)} s ` +
      `(event loop ticks meanwhile: ${ticks})`,
  );
  return seconds;
}

await run(async () => {
  const mainSeconds = await measure('main thread', async () => countPrimes(0, LIMIT));

  // Start every thread and let each import primes.ts once, before timing (Python threads start at once).
  const threads = availableParallelism();
  await gather(...Array.from({ length: threads }, () => toThread(countPrimesInThread, 0, 1)));

  const poolSeconds = await measure(`${threads} worker threads`, async () => {
    const size = Math.ceil(LIMIT / CHUNKS);
    const counts = await gather(
      ...Array.from({ length: CHUNKS }, (_, i) =>
        toThread(countPrimesInThread, i * size, Math.min(LIMIT, (i + 1) * size)),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  });
  console.log(`speed-up: ${(mainSeconds / poolSeconds).toFixed(2)}× on ${threads} cores`);
});
