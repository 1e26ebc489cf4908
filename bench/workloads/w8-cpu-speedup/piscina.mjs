// Raw piscina, for reference: the same chunks through run() on one thread per core, awaited with Promise.all.
import { Piscina } from 'piscina';
import { main, measure } from '../../lib/bench-kit.mjs';
import { chunks, EXPECTED, MEASURE, PRIMES_URL, THREADS } from './_work.mjs';

const pool = new Piscina({
  filename: PRIMES_URL.href,
  name: 'countPrimesTask',
  minThreads: THREADS,
  maxThreads: THREADS,
  idleTimeout: Number.POSITIVE_INFINITY,
});

await main(async () => {
  let ok = true;
  const m = await measure(async () => {
    const counts = await Promise.all(chunks().map(([from, to]) => pool.run({ from, to })));
    ok &&= counts.reduce((a, b) => a + b, 0) === EXPECTED;
  }, MEASURE);
  await pool.destroy();
  return { value: m.median, ok, info: { threads: THREADS } };
});
