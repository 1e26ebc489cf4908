// Allocation sampling (every ~512 bytes, including objects already collected) of one W1 iteration.

import { AsyncLocalStorage } from 'node:async_hooks';
import { Session } from 'node:inspector/promises';
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
const which = process.argv[2];
const session = new Session();
session.connect();
await run(async () => {
  const fn = variants[which];
  for (let k = 0; k < 3; k++) await fn();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await fn();
  const { profile } = await session.post('HeapProfiler.stopSampling');
  const self = new Map();
  let total = 0;
  const walk = (node, stack) => {
    const f = node.callFrame;
    const name = `${f.functionName || '(anon)'} ${f.url.replace(/^.*\//, '')}:${f.lineNumber + 1}`;
    if (node.selfSize > 0) {
      self.set(name, (self.get(name) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const c of node.children) walk(c, stack);
  };
  walk(profile.head, []);
  console.log(`${which}: ~${(total / N).toFixed(0)} B allocated per task`);
  for (const [name, b] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12))
    console.log(`  ${(b / N).toFixed(0).padStart(5)} B  ${name}`);
});
