import { createTask, gather, run, sleep } from 'asyncio-ts';

const N = 10_000;
const sleeper = () => sleep(10_000);
const mode = process.argv[2] ?? 'cancel';
await run(async () => {
  const times = [];
  for (let k = 0; k < 30; k++) {
    const tasks = new Array(N);
    for (let i = 0; i < N; i++) tasks[i] = createTask(sleeper);
    await new Promise((r) => setImmediate(r));
    const t0 = performance.now();
    for (const t of tasks) t.cancel();
    const t1 = performance.now();
    await gather(...tasks, { returnExceptions: true });
    times.push([(t1 - t0).toFixed(1), (performance.now() - t1).toFixed(1)]);
  }
  console.log(
    times
      .slice(-10)
      .map((x) => x.join('+'))
      .join(' '),
  );
});
