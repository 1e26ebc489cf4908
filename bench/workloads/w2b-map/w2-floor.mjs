// The W2 floor (a hand-written semaphore per job, p-limit shape), the reference W2b's ratios are read against.
import { main, measure } from '../../lib/bench-kit.mjs';
import { limited } from '../w2-semaphore/_floor-limiter.mjs';
import { job, MEASURE, N, timedRun } from '../w2-semaphore/_jobs.mjs';

await main(async () => {
  const state = { ok: true };
  const runAll = () => {
    const promises = new Array(N);
    for (let i = 0; i < N; i++) promises[i] = limited(() => job(i));
    return Promise.all(promises);
  };
  const m = await measure(timedRun(runAll, state), MEASURE);
  return { value: m.median, ok: state.ok, info: { ...m, peak: state.peak } };
});
