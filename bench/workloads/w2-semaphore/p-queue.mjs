// p-queue 9: Promise.all of 100,000 `queue.add(() => job(i))` calls on a PQueue({ concurrency: 100 }).
import PQueue from 'p-queue';
import { main, measure } from '../../lib/bench-kit.mjs';
import { job, LIMIT, MEASURE, N, timedRun } from './_jobs.mjs';

const queue = new PQueue({ concurrency: LIMIT });

await main(async () => {
  const state = { ok: true };
  const runAll = () => {
    const promises = new Array(N);
    for (let i = 0; i < N; i++) promises[i] = queue.add(() => job(i));
    return Promise.all(promises);
  };
  const m = await measure(timedRun(runAll, state), MEASURE);
  return { value: m.median, ok: state.ok, info: { ...m, peak: state.peak } };
});
