// async-mutex: 100 plain async functions under Promise.all, each `await mutex.runExclusive(critical)`
// 1,000 times.
import { Mutex } from 'async-mutex';
import { main, measure } from '../../lib/bench-kit.mjs';
import { critical, MEASURE, ROUNDS, TASKS, timedRun } from './_work.mjs';

const mutex = new Mutex();

async function worker() {
  for (let i = 0; i < ROUNDS; i++) await mutex.runExclusive(critical);
}

await main(async () => {
  const result = { ok: true };
  const runAll = () => Promise.all(Array.from({ length: TASKS }, worker));
  const m = await measure(timedRun(runAll, result), MEASURE);
  return { value: m.median, ok: result.ok && !mutex.isLocked(), info: m };
});
