// CPU profile of steady-state W1 iterations only (after warm-up), written for cpuprofile-top.mjs.

import { AsyncLocalStorage } from 'node:async_hooks';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { gather, run, taskGroup } from 'asyncio-ts';

const N = 100_000;
const ready = Promise.resolve();
const work = async (i) => {
  await ready;
  return i;
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
const [name, out] = process.argv.slice(2);
const session = new Session();
session.connect();
await run(async () => {
  for (let k = 0; k < 6; k++) await variants[name]();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  for (let k = 0; k < 10; k++) await variants[name]();
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(out, JSON.stringify(profile));
});
