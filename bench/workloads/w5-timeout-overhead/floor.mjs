// Floor: a setTimeout + clearTimeout per operation.
import { main } from '../../lib/bench-kit.mjs';
import { extraPerOp, N, op, TIMEOUT_MS } from './_pairs.mjs';

function onTimeout() {
  throw new Error('the timeout fired');
}

async function bare() {
  let sum = 0;
  for (let i = 0; i < N; i++) sum += await op(i);
  return sum;
}

async function timed() {
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const timer = setTimeout(onTimeout, TIMEOUT_MS);
    try {
      sum += await op(i);
    } finally {
      clearTimeout(timer);
    }
  }
  return sum;
}

await main(() => extraPerOp(bare, timed));
