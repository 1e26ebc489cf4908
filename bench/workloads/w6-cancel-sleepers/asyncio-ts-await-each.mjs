// asyncio-ts, the way users write it: 10,000 tasks (createTask) each `try { await sleep(10_000) } finally
// { cleaned++ }` inside run(); task.cancel() on each in a loop, then each task awaited in turn
// (`try { await task } catch {}`). Checks that every finally ran and every task ended cancelled.
import { createTask, run, sleep } from 'asyncio-ts';
import { main } from '../../lib/bench-kit.mjs';
import { cancelSleepers, N, SLEEP_MS } from './_sleepers.mjs';

let cleaned = 0;

async function sleeper() {
  try {
    await sleep(SLEEP_MS);
  } finally {
    cleaned++;
  }
}

function create() {
  const tasks = new Array(N);
  for (let i = 0; i < N; i++) tasks[i] = createTask(sleeper);
  return tasks;
}

async function cancelAndSettle(tasks) {
  const cleanedBefore = cleaned;
  for (const task of tasks) task.cancel();
  for (const task of tasks) {
    try {
      await task;
    } catch {}
  }
  let cancelled = 0;
  for (const task of tasks) if (task.cancelled()) cancelled++;
  return cleaned - cleanedBefore === N ? cancelled : -1;
}

await main(() => run(() => cancelSleepers(create, cancelAndSettle)));
