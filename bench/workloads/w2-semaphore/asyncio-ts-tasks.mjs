// asyncio-ts with tasks: 100,000 children of a taskGroup inside run(), each `sem.runExclusive(() =>
// job(i))`; results read from the tasks. Adds the task cost of W1 to the semaphore's.
import { run, Semaphore, taskGroup } from 'asyncio-ts';
import { main, measure } from '../../lib/bench-kit.mjs';
import { job, LIMIT, MEASURE, N, timedRun } from './_jobs.mjs';

const sem = new Semaphore(LIMIT);

await main(() =>
  run(async () => {
    const state = { ok: true };
    const runAll = async () => {
      const tasks = new Array(N);
      await taskGroup(async (tg) => {
        for (let i = 0; i < N; i++) tasks[i] = tg.createTask(() => sem.runExclusive(() => job(i)));
      });
      const results = new Array(N);
      for (let i = 0; i < N; i++) results[i] = tasks[i].result();
      return results;
    };
    const m = await measure(timedRun(runAll, state), MEASURE);
    return { value: m.median, ok: state.ok && sem.value === LIMIT, info: { ...m, peak: state.peak } };
  }),
);
