// Hand-written worker pool: 100 async functions pull indices from one array iterator and store results.
import { main, measure } from '../../lib/bench-kit.mjs';
import { job, LIMIT, MEASURE, N, timedRun } from '../w2-semaphore/_jobs.mjs';

const ids = Array.from({ length: N }, (_, i) => i);

await main(async () => {
  const state = { ok: true };
  const runAll = async () => {
    const results = new Array(N);
    const source = ids.values();
    const worker = async () => {
      for (let step = source.next(); !step.done; step = source.next())
        results[step.value] = await job(step.value);
    };
    const workers = new Array(LIMIT);
    for (let w = 0; w < LIMIT; w++) workers[w] = worker();
    await Promise.all(workers);
    return results;
  };
  const m = await measure(timedRun(runAll, state), MEASURE);
  return { value: m.median, ok: state.ok, info: { ...m, peak: state.peak } };
});
