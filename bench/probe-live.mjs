// Live bytes per in-flight task: every task awaits a gate that opens only after the heap is measured.
import { AsyncLocalStorage } from 'node:async_hooks';
import { gather, run, taskGroup } from 'asyncio-ts';

const N = 100_000;
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
let open;
let gate;
const work = async (i) => {
  await gate;
  return i;
};
const variants = {
  floor: async () => {
    const ps = new Array(N);
    for (let i = 0; i < N; i++) ps[i] = work(i);
    return Promise.all(ps);
  },
  als: async () => {
    const als = new AsyncLocalStorage();
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
await run(async () => {
  for (const [name, fn] of Object.entries(variants)) {
    gate = new Promise((r) => {
      open = r;
    });
    const before = heap();
    const p = fn();
    await new Promise((r) => setImmediate(r));
    const during = heap();
    open();
    await p;
    console.log(name.padEnd(10), ((during - before) / N).toFixed(0), 'B live per in-flight task');
  }
});
