// Floor: raw piscina, sized and tuned as the executor's pool (one thread per core, one job per thread at a
// time, no timing histogram), all threads started before timing; 10,000 run() calls awaited with Promise.all.
import { Piscina } from 'piscina';
import { main, measure } from '../../lib/bench-kit.mjs';
import { JOB_URL, MEASURE, N, THREADS, verify } from './_work.mjs';

const pool = new Piscina({
  filename: JOB_URL.href,
  name: 'increment',
  minThreads: THREADS,
  maxThreads: THREADS,
  concurrentTasksPerWorker: 1,
  idleTimeout: Number.POSITIVE_INFINITY,
  recordTiming: false,
});

await main(async () => {
  let ok = true;
  const m = await measure(async () => {
    const jobs = new Array(N);
    for (let i = 0; i < N; i++) jobs[i] = pool.run(i);
    ok &&= verify(await Promise.all(jobs));
  }, MEASURE);
  await pool.destroy();
  return { value: m.median, ok, info: { threads: THREADS, samples: m.samples?.length } };
});
