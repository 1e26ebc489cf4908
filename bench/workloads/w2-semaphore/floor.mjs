// Floor: a hand-written limiter in the p-limit shape: a counter and an array of waiting resolvers (FIFO,
// read through a head index), the permit handed straight to the next waiter.
import { main, measure } from '../../lib/bench-kit.mjs';
import { job, LIMIT, MEASURE, N, timedRun } from './_jobs.mjs';

let active = 0;
let waiting = [];
let head = 0;

function release() {
  if (head < waiting.length) {
    const next = waiting[head];
    waiting[head++] = undefined;
    next();
  } else {
    active--;
    if (head > 0) {
      waiting = [];
      head = 0;
    }
  }
}

async function limited(fn) {
  if (active < LIMIT) active++;
  else await new Promise((resolve) => waiting.push(resolve));
  try {
    return await fn();
  } finally {
    release();
  }
}

await main(async () => {
  const state = { ok: true };
  const runAll = () => {
    const promises = new Array(N);
    for (let i = 0; i < N; i++) promises[i] = limited(() => job(i));
    return Promise.all(promises);
  };
  const m = await measure(timedRun(runAll, state), MEASURE);
  return { value: m.median, ok: state.ok, info: { ...m, peak: state.peak } };
});
