// Floor: a hand-written limiter in the p-limit shape (see _floor-limiter.mjs): Promise.all of 100,000
// `limited(() => job(i))` calls.
import { main, measure } from '../../lib/bench-kit.mjs';
import { limited } from './_floor-limiter.mjs';
import { job, MEASURE, N, timedRun } from './_jobs.mjs';

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
