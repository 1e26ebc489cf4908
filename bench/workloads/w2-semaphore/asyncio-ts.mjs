// asyncio-ts: Promise.all of 100,000 `sem.runExclusive(() => job(i))` calls on a Semaphore(100), outside
// run() (the p-limit shape: plain async code, no tasks).
import { Semaphore } from 'asyncio-ts';
import { main, measure } from '../../lib/bench-kit.mjs';
import { job, LIMIT, MEASURE, N, timedRun } from './_jobs.mjs';

const sem = new Semaphore(LIMIT);

await main(async () => {
  const state = { ok: true };
  const runAll = () => {
    const promises = new Array(N);
    for (let i = 0; i < N; i++) promises[i] = sem.runExclusive(() => job(i));
    return Promise.all(promises);
  };
  const m = await measure(timedRun(runAll, state), MEASURE);
  return { value: m.median, ok: state.ok && sem.value === LIMIT, info: { ...m, peak: state.peak } };
});
