// The floor plus one AsyncLocalStorage.run per task: what a naive context-carrying runtime pays.
import { AsyncLocalStorage } from 'node:async_hooks';
import { main, measure } from '../../lib/bench-kit.mjs';
import { MEASURE, N, verify, work } from './_work.mjs';

const als = new AsyncLocalStorage();

await main(async () => {
  let ok = true;
  const m = await measure(async () => {
    const t0 = performance.now();
    const promises = new Array(N);
    for (let i = 0; i < N; i++) promises[i] = als.run(i, work, i);
    const results = await Promise.all(promises);
    const ms = performance.now() - t0;
    ok &&= verify(results);
    return ms;
  }, MEASURE);
  return { value: m.median, ok, info: m };
});
