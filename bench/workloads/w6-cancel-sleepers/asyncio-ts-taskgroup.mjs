// asyncio-ts, structured: one task runs a taskGroup of 10,000 sleeping children; cancelling that one task
// cancels the group's scope, which reaches every child; awaiting it waits for all of them.
import { CancelledError, createTask, run, sleep, taskGroup } from 'asyncio-ts';
import { main } from '../../lib/bench-kit.mjs';
import { cancelSleepers, N, SLEEP_MS } from './_sleepers.mjs';

const sleeper = () => sleep(SLEEP_MS);

function create() {
  const children = new Array(N);
  const owner = createTask(() =>
    taskGroup(async (tg) => {
      for (let i = 0; i < N; i++) children[i] = tg.createTask(sleeper);
    }),
  );
  return { owner, children };
}

async function cancelAndSettle({ owner, children }) {
  owner.cancel();
  try {
    await owner;
  } catch (err) {
    if (!(err instanceof CancelledError)) throw err;
  }
  let cancelled = 0;
  for (const child of children) if (child.cancelled()) cancelled++;
  return owner.cancelled() ? cancelled : -1;
}

await main(() => run(() => cancelSleepers(create, cancelAndSettle)));
