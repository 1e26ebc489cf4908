// asyncio-ts outside run(): 100 plain async functions under Promise.all, each
// `await lock.runExclusive(critical)` 1,000 times (the shape of the floor and of async-mutex).
import { Lock } from 'asyncio-ts';
import { main, measure } from '../../lib/bench-kit.mjs';
import { critical, MEASURE, ROUNDS, TASKS, timedRun } from './_work.mjs';

const lock = new Lock();

async function worker() {
  for (let i = 0; i < ROUNDS; i++) await lock.runExclusive(critical);
}

await main(async () => {
  const result = { ok: true };
  const runAll = () => Promise.all(Array.from({ length: TASKS }, worker));
  const m = await measure(timedRun(runAll, result), MEASURE);
  return { value: m.median, ok: result.ok && !lock.locked(), info: m };
});
