// asyncio-ts inside run(): the same Promise.all of `sem.runExclusive(() => job(i))` calls, made from the
// main task (every waiter is linked to the task's cancel scope, and grants are cancellation-safe).
import { run, Semaphore } from 'asyncio-ts';
import { main, measure } from '../../lib/bench-kit.mjs';
import { job, LIMIT, MEASURE, N, timedRun } from './_jobs.mjs';

const sem = new Semaphore(LIMIT);

await main(() =>
  run(async () => {
    const state = { ok: true };
    const runAll = () => {
      const promises = new Array(N);
      for (let i = 0; i < N; i++) promises[i] = sem.runExclusive(() => job(i));
      return Promise.all(promises);
    };
    const m = await measure(timedRun(runAll, state), MEASURE);
    return { value: m.median, ok: state.ok && sem.value === LIMIT, info: { ...m, peak: state.peak } };
  }),
);
