import { AsyncLocalStorage } from 'node:async_hooks';
import { gather, run, taskGroup } from 'asyncio-ts';

const N = 100_000;
const ready = Promise.resolve();
const work = async (i) => {
  await ready;
  return i;
};
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const als = new AsyncLocalStorage();
const variants = {
  floor: async () => {
    const ps = new Array(N);
    for (let i = 0; i < N; i++) ps[i] = work(i);
    return Promise.all(ps);
  },
  als: async () => {
    const ps = new Array(N);
    for (let i = 0; i < N; i++) ps[i] = als.run(i, work, i);
    return Promise.all(ps);
  },
  gather: async () => {
    const fns = new Array(N);
    for (let i = 0; i < N; i++) fns[i] = () => work(i);
    return gather(...fns);
  },
  taskgroup: async () =>
    taskGroup(async (tg) => {
      for (let i = 0; i < N; i++) tg.createTask(() => work(i));
    }),
};
const only = process.argv[2]?.split(',');
await run(async () => {
  const res = {};
  for (let k = 0; k < 14; k++) {
    for (const [name, fn] of Object.entries(variants)) {
      if (only && !only.includes(name)) continue;
      const c0 = cpu(),
        t0 = performance.now();
      await fn();
      const w = performance.now() - t0,
        c = cpu() - c0;
      if (k >= 4) (res[name] ??= { w: [], c: [] }).w.push(w), res[name].c.push(c);
    }
  }
  const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  const f = res.floor ? med(res.floor.c) : 1;
  for (const [name, r] of Object.entries(res))
    console.log(
      name.padEnd(10),
      'wall',
      med(r.w).toFixed(0),
      'cpu',
      med(r.c).toFixed(0),
      'ms',
      (med(r.c) / f).toFixed(2) + '× cpu',
    );
});
