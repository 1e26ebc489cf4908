// Effect 4: Effect.forEach over 100,000 indices with unbounded concurrency.
import { Effect } from 'effect';
import { main, measure } from '../../lib/bench-kit.mjs';
import { MEASURE, N, verify, work } from './_work.mjs';

const indices = Array.from({ length: N }, (_, i) => i);
const program = Effect.forEach(indices, (i) => Effect.promise(() => work(i)), { concurrency: 'unbounded' });

await main(async () => {
  let ok = true;
  const m = await measure(async () => {
    const t0 = performance.now();
    const results = await Effect.runPromise(program);
    const ms = performance.now() - t0;
    ok &&= verify(results);
    return ms;
  }, MEASURE);
  return { value: m.median, ok, info: m };
});
