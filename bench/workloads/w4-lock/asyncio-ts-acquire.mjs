// asyncio-ts: 100 tasks of a taskGroup inside run(), each taking the lock 1,000 times with
// `const permit = await lock.acquire()` and `permit.release()` in a finally block.
import { Lock, run, taskGroup } from 'asyncio-ts';
import { main, measure } from '../../lib/bench-kit.mjs';
import { critical, MEASURE, ROUNDS, TASKS, timedRun } from './_work.mjs';

const lock = new Lock();

async function worker() {
  for (let i = 0; i < ROUNDS; i++) {
    const permit = await lock.acquire();
    try {
      await critical();
    } finally {
      permit.release();
    }
  }
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
