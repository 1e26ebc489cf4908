// asyncio-ts: 10,000 tasks (createTask) each in sleep(10_000), inside run(); task.cancel() on each, then
// gather(...tasks, { returnExceptions: true }) awaits them all.
import { createTask, gather, run, sleep } from 'asyncio-ts';
import { main } from '../../lib/bench-kit.mjs';
import { cancelSleepers, N, SLEEP_MS } from './_sleepers.mjs';

const sleeper = () => sleep(SLEEP_MS);

function create() {
  const tasks = new Array(N);
  for (let i = 0; i < N; i++) tasks[i] = createTask(sleeper);
  return tasks;
}

async function cancelAndSettle(tasks) {
  for (const task of tasks) task.cancel();
  await gather(...tasks, { returnExceptions: true });
  let cancelled = 0;
  for (const task of tasks) if (task.cancelled()) cancelled++;
  return cancelled;
}

await main(() => run(() => cancelSleepers(create, cancelAndSettle)));
