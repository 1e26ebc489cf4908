// asyncio-ts: map((i) => job(i), ids, { concurrency: 100 }): 100 worker tasks pull from one iterator.
import { map } from 'asyncio-ts';
import { main, measure } from '../../lib/bench-kit.mjs';
import { job, LIMIT, MEASURE, N, timedRun } from '../w2-semaphore/_jobs.mjs';

const ids = Array.from({ length: N }, (_, i) => i);

await main(async () => {
  const state = { ok: true };
  const runAll = () => map(job, ids, { concurrency: LIMIT });
  const m = await measure(timedRun(runAll, state), MEASURE);
  return { value: m.median, ok: state.ok, info: { ...m, peak: state.peak } };
});
