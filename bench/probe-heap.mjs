import { gather, run } from 'asyncio-ts';

const N = 100_000;
const ready = Promise.resolve();
async function work(i) {
  await ready;
  return i;
}
await run(async () => {
  for (let k = 0; k < 6; k++) {
    const t0 = performance.now();
    const fns = new Array(N);
    for (let i = 0; i < N; i++) fns[i] = () => work(i);
    await gather(...fns);
    const ms = performance.now() - t0;
    gc();
    gc();
    console.log(k, ms.toFixed(0), 'ms heap', (process.memoryUsage().heapUsed / 2 ** 20).toFixed(1), 'MiB');
  }
});
