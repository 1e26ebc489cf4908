import { run, timeout } from 'asyncio-ts';

const N = 100_000;
const ready = Promise.resolve();
const op = async (i) => {
  await ready;
  return i;
};
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
async function bare() {
  let s = 0;
  for (let i = 0; i < N; i++) s += await op(i);
  return s;
}
async function timed() {
  let s = 0;
  for (let i = 0; i < N; i++) s += await timeout(1000, () => op(i));
  return s;
}
await run(async () => {
  const ex = [],
    exc = [];
  for (let k = 0; k < 20; k++) {
    let c0 = cpu(),
      t0 = performance.now();
    await bare();
    const b = performance.now() - t0,
      bc = cpu() - c0;
    c0 = cpu();
    t0 = performance.now();
    await timed();
    const t = performance.now() - t0,
      tc = cpu() - c0;
    if (k >= 5) {
      ex.push(((t - b) * 1000) / N);
      exc.push(((tc - bc) * 1000) / N);
    }
  }
  const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1].toFixed(3);
  console.log('extra µs/op wall', med(ex), 'cpu', med(exc));
});
