// asyncio-ts: runProcess('/bin/true') (check on, output not captured) under map(…, { concurrency: 16 })
// inside run().
import { map, run } from 'asyncio-ts';
import { runProcess } from 'asyncio-ts/subprocess';
import { main, measure } from '../../lib/bench-kit.mjs';
import { CONCURRENCY, MEASURE, N, PROGRAM } from './_work.mjs';

const items = Array.from({ length: N }, (_, i) => i);

await main(() =>
  run(async () => {
    let ok = true;
    const m = await measure(async () => {
      const results = await map(async () => (await runProcess(PROGRAM)).returncode === 0, items, {
        concurrency: CONCURRENCY,
      });
      ok = results.every(Boolean) && ok;
    }, MEASURE);
    return { value: m.median, ok, info: { processes: N, cpuMs: m.cpuMs } };
  }),
);
