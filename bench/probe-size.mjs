import { createTask, run } from 'asyncio-ts';

const N = 100_000;
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const fn = async () => {};
await run(async () => {
  const keep = new Array(N);
  for (let i = 0; i < N; i++) keep[i] = {};
  let h0 = heap();
  for (let i = 0; i < N; i++) keep[i] = { a: 1 };
  console.log('object with 1 field', ((heap() - h0) / N).toFixed(0));
  for (let i = 0; i < N; i++) keep[i] = {};
  h0 = heap();
  for (let i = 0; i < N; i++) keep[i] = createTask(fn);
  console.log('Task (not started) + queue slot', ((heap() - h0) / N).toFixed(0), 'B');
  const t = keep[0];
  console.log('own fields:', Object.keys(t).length, Object.keys(t).join(','));
});
