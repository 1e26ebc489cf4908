// asyncio-ts: toThread on the run's default executor (one thread per core), inside run(); 10,000 toThread()
// calls awaited with Promise.all. The job is a workerFunction reference to the same module as the floor's.
import { run } from 'asyncio-ts';
import { toThread, workerFunction } from 'asyncio-ts/executor';
import { main, measure } from '../../lib/bench-kit.mjs';
import { JOB_URL, MEASURE, N, THREADS, verify } from './_work.mjs';

const increment = workerFunction(JOB_URL, 'increment');

await main(() =>
  run(async () => {
    let ok = true;
    const m = await measure(async () => {
      const jobs = new Array(N);
      for (let i = 0; i < N; i++) jobs[i] = toThread(increment, i);
      ok &&= verify(await Promise.all(jobs));
    }, MEASURE);
    return { value: m.median, ok, info: { threads: THREADS, samples: m.samples?.length } };
  }),
);
