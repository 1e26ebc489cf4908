// Floor: a hand-written lock (a flag plus an array of waiting resolvers, read through a head index; the
// lock is handed straight to the next waiter) taken by 100 plain async functions.
import { main, measure } from '../../lib/bench-kit.mjs';
import { critical, MEASURE, ROUNDS, TASKS, timedRun } from './_work.mjs';

let locked = false;
let waiting = [];
let head = 0;
const acquired = Promise.resolve();

function acquire() {
  if (!locked) {
    locked = true;
    return acquired;
  }
  return new Promise((resolve) => waiting.push(resolve));
}

function release() {
  if (head < waiting.length) {
    const next = waiting[head];
    waiting[head++] = undefined;
    next();
  } else {
    locked = false;
    if (head > 0) {
      waiting = [];
      head = 0;
    }
  }
}

async function worker() {
  for (let i = 0; i < ROUNDS; i++) {
    await acquire();
    try {
      await critical();
    } finally {
      release();
    }
  }
}

await main(async () => {
  const result = { ok: true };
  const runAll = () => Promise.all(Array.from({ length: TASKS }, worker));
  const m = await measure(timedRun(runAll, result), MEASURE);
  return { value: m.median, ok: result.ok, info: m };
});
