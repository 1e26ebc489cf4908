// async-sema: Promise.all of 100,000 async functions that acquire, await the job and release.
import { Sema } from 'async-sema';
import { main, measure } from '../../lib/bench-kit.mjs';
import { job, LIMIT, MEASURE, N, timedRun } from './_jobs.mjs';

const sema = new Sema(LIMIT);

async function limited(i) {
  await sema.acquire();
  try {
    return await job(i);
  } finally {
    sema.release();
  }
}

await main(async () => {
  const state = { ok: true };
  const runAll = () => {
    const promises = new Array(N);
    for (let i = 0; i < N; i++) promises[i] = limited(i);
    return Promise.all(promises);
  };
  const m = await measure(timedRun(runAll, state), MEASURE);
  return { value: m.median, ok: state.ok, info: { ...m, peak: state.peak } };
});
