// Effect 4: fork 100,000 child fibers (each runs the same async function through Effect.promise), then
// Fiber.joinAll.
import { Effect, Fiber } from 'effect';
import { main, measure } from '../../lib/bench-kit.mjs';
import { MEASURE, N, verify, work } from './_work.mjs';

const program = Effect.gen(function* () {
  const fibers = new Array(N);
  for (let i = 0; i < N; i++) fibers[i] = yield* Effect.forkChild(Effect.promise(() => work(i)));
  return yield* Fiber.joinAll(fibers);
});

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
