// p-limit 7: Promise.all of 100,000 `limit(() => job(i))` calls.
import pLimit from 'p-limit';
import { main, measure } from '../../lib/bench-kit.mjs';
import { job, LIMIT, MEASURE, N, timedRun } from './_jobs.mjs';

const limit = pLimit(LIMIT);

await main(async () => {
  const state = { ok: true };
  const runAll = () => {
    const promises = new Array(N);
    for (let i = 0; i < N; i++) promises[i] = limit(() => job(i));
    return Promise.all(promises);
  };
  const m = await measure(timedRun(runAll, state), MEASURE);
  return { value: m.median, ok: state.ok, info: { ...m, peak: state.peak } };
});
