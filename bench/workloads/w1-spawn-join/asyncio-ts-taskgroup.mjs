// asyncio-ts: a taskGroup with 100,000 children inside run(); results read from the tasks afterwards.
import { run, taskGroup } from 'asyncio-ts';
import { main, measure } from '../../lib/bench-kit.mjs';
import { MEASURE, N, verify, work } from './_work.mjs';

await main(() =>
  run(async () => {
    let ok = true;
    const m = await measure(async () => {
      const t0 = performance.now();
      const tasks = new Array(N);
      await taskGroup(async (tg) => {
        for (let i = 0; i < N; i++) tasks[i] = tg.createTask(() => work(i));
      });
      const results = new Array(N);
      for (let i = 0; i < N; i++) results[i] = tasks[i].result();
      const ms = performance.now() - t0;
      ok &&= verify(results);
      return ms;
    }, MEASURE);
    return { value: m.median, ok, info: m };
  }),
);
