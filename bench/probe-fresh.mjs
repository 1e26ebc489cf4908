import { AsyncLocalStorage } from 'node:async_hooks';

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
};
const [name, warm] = process.argv.slice(2);
const fn = variants[name];
const out = [];
for (let k = 0; k < Number(warm) + 3; k++) {
  const t0 = performance.now();
  await fn();
  out.push((performance.now() - t0).toFixed(0));
}
console.log(name, out.join(' '));
