// AbortSignal.timeout(1000) per operation, handed to the operation (as a fetch would get it). Its timers are
// unref'd and not cleared by anyone: the check of leftover timers counts only those that keep the process
// alive, as for every implementation.
import { main } from '../../lib/bench-kit.mjs';
import { extraPerOp, N, op, TIMEOUT_MS } from './_pairs.mjs';

let aborted = 0;

async function bare() {
  let sum = 0;
  for (let i = 0; i < N; i++) sum += await op(i);
  return sum;
}

async function timed() {
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const signal = AbortSignal.timeout(TIMEOUT_MS);
    sum += await op(i, signal);
    if (signal.aborted) aborted++;
  }
  return sum;
}

await main(async () => {
  const result = await extraPerOp(bare, timed);
  result.ok &&= aborted === 0;
  return result;
});
