// asyncio-ts: gather(...fns) inside run(): each function becomes a task that gather owns.
import { gather, run } from 'asyncio-ts';
import { main, measure } from '../../lib/bench-kit.mjs';
import { MEASURE, N, verify, work } from './_work.mjs';

await main(() =>
  run(async () => {
    let ok = true;
    const m = await measure(async () => {
      const t0 = performance.now();
      const fns = new Array(N);
      for (let i = 0; i < N; i++) fns[i] = () => work(i);
      const results = await gather(...fns);
      const ms = performance.now() - t0;
      ok &&= verify(results);
      return ms;
    }, MEASURE);
    return { value: m.median, ok, info: m };
  }),
);
