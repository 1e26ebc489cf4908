import { AsyncLocalStorage } from 'node:async_hooks';
import { gather, run, taskGroup } from 'asyncio-ts';

const N = 100_000;
const ready = Promise.resolve();
const work = async (i) => {
  await ready;
  return i;
};
const variants = {
  floor: async () => {
    const ps = new Array(N);
    for (let i = 0; i < N; i++) ps[i] = work(i);
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
const name = process.argv[2];
await run(async () => {
  for (let k = 0; k < 6; k++) await variants[name]();
  console.log('=== steady');
  for (let k = 0; k < 5; k++) await variants[name]();
});
