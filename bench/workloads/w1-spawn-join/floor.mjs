// Floor: Promise.all of 100,000 async function calls: no task machinery at all.
import { main, measure } from '../../lib/bench-kit.mjs';
import { MEASURE, N, verify, work } from './_work.mjs';

await main(async () => {
  let ok = true;
  const m = await measure(async () => {
    const t0 = performance.now();
    const promises = new Array(N);
    for (let i = 0; i < N; i++) promises[i] = work(i);
    const results = await Promise.all(promises);
    const ms = performance.now() - t0;
    ok &&= verify(results);
    return ms;
  }, MEASURE);
  return { value: m.median, ok, info: m };
});
