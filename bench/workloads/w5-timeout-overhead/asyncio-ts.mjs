// asyncio-ts: timeout(1000, fn) per operation, inside run() (both loops run inside the same task).
import { run, timeout } from 'asyncio-ts';
import { main } from '../../lib/bench-kit.mjs';
import { extraPerOp, N, op, TIMEOUT_MS } from './_pairs.mjs';

async function bare() {
  let sum = 0;
  for (let i = 0; i < N; i++) sum += await op(i);
  return sum;
}

async function timed() {
  let sum = 0;
  for (let i = 0; i < N; i++) sum += await timeout(TIMEOUT_MS, () => op(i));
  return sum;
}

await main(() => run(() => extraPerOp(bare, timed)));
