// Effection 4: spawn 100,000 child operations (each awaits the same async function through until()),
// then join each task.
import { run, spawn, until } from 'effection';
import { main, measure } from '../../lib/bench-kit.mjs';
import { MEASURE, N, verify, work } from './_work.mjs';

function* spawnJoin() {
  const tasks = new Array(N);
  for (let i = 0; i < N; i++) tasks[i] = yield* spawn(() => until(work(i)));
  const results = new Array(N);
  for (let i = 0; i < N; i++) results[i] = yield* tasks[i];
  return results;
}

await main(async () => {
  let ok = true;
  const m = await measure(async () => {
    const t0 = performance.now();
    const results = await run(spawnJoin);
    const ms = performance.now() - t0;
    ok &&= verify(results);
    return ms;
  }, MEASURE);
  return { value: m.median, ok, info: m };
});
