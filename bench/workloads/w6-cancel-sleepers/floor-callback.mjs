// Floor: a plain cancel callback per sleeper (clearTimeout + reject), each sleeper an async function.
import { main } from '../../lib/bench-kit.mjs';
import { cancelSleepers, N, SLEEP_MS } from './_sleepers.mjs';

const CANCELLED = new Error('cancelled');

function sleep(ms, cancels, i) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    cancels[i] = () => {
      clearTimeout(timer);
      reject(CANCELLED);
    };
  });
}

async function sleeper(cancels, i) {
  try {
    await sleep(SLEEP_MS, cancels, i);
    return false;
  } catch (err) {
    if (err === CANCELLED) return true;
    throw err;
  }
}

function create() {
  const cancels = new Array(N);
  const promises = new Array(N);
  for (let i = 0; i < N; i++) promises[i] = sleeper(cancels, i);
  return { cancels, promises };
}

async function cancelAndSettle({ cancels, promises }) {
  for (const cancel of cancels) cancel();
  const outcomes = await Promise.all(promises);
  return outcomes.filter(Boolean).length;
}

await main(() => cancelSleepers(create, cancelAndSettle));
