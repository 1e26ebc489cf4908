// Effect 4: Effect.forEach over the 100,000 indices with { concurrency: 100 }.
import { Effect } from 'effect';
import { main, measure } from '../../lib/bench-kit.mjs';
import { job, LIMIT, MEASURE, N, timedRun } from '../w2-semaphore/_jobs.mjs';

const ids = Array.from({ length: N }, (_, i) => i);
const program = Effect.forEach(ids, (i) => Effect.promise(() => job(i)), { concurrency: LIMIT });

await main(async () => {
  const state = { ok: true };
  const runAll = () => Effect.runPromise(program);
  const m = await measure(timedRun(runAll, state), MEASURE);
  return { value: m.median, ok: state.ok, info: { ...m, peak: state.peak } };
});
