// asyncio-ts: 100 tasks of a taskGroup inside run(), each `await lock.runExclusive(critical)` 1,000 times.
import { Lock, run, taskGroup } from 'asyncio-ts';
import { main, measure } from '../../lib/bench-kit.mjs';
import { critical, MEASURE, ROUNDS, TASKS, timedRun } from './_work.mjs';

const lock = new Lock();

async function worker() {
  for (let i = 0; i < ROUNDS; i++) await lock.runExclusive(critical);
}

await main(() =>
  run(async () => {
    const result = { ok: true };
    const runAll = () =>
      taskGroup(async (tg) => {
        for (let t = 0; t < TASKS; t++) tg.createTask(worker);
      });
    const m = await measure(timedRun(runAll, result), MEASURE);
    return { value: m.median, ok: result.ok && !lock.locked(), info: m };
  }),
);
