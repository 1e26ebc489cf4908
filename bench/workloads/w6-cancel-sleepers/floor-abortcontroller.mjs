// Floor: one AbortController per sleeper, each an async function awaiting timers/promises' setTimeout with
// the controller's signal (the idiomatic cancellable sleep in Node).
import { setTimeout as sleep } from 'node:timers/promises';
import { main } from '../../lib/bench-kit.mjs';
import { cancelSleepers, N, SLEEP_MS } from './_sleepers.mjs';

async function sleeper(signal) {
  try {
    await sleep(SLEEP_MS, undefined, { signal });
    return false;
  } catch (err) {
    if (err.name === 'AbortError') return true;
    throw err;
  }
}

function create() {
  const controllers = new Array(N);
  const promises = new Array(N);
  for (let i = 0; i < N; i++) {
    const controller = new AbortController();
    controllers[i] = controller;
    promises[i] = sleeper(controller.signal);
  }
  return { controllers, promises };
}

async function cancelAndSettle({ controllers, promises }) {
  for (const controller of controllers) controller.abort();
  const outcomes = await Promise.all(promises);
  return outcomes.filter(Boolean).length;
}

await main(() => cancelSleepers(create, cancelAndSettle));
