// The floor of any runtime whose tasks carry their own AsyncLocalStorage context on plain async functions:
// per task, one reaction queued in the creator's context (which keeps every store of the creator) that
// enters a new frame holding the task (`enterWith`) and calls the body, plus one reaction on the body's
// promise to record the result. This is what `currentTask()`, cancellation of the right task and context
// propagation cost at the least; asyncio-ts's own task machinery comes on top of it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { main, measure } from '../../lib/bench-kit.mjs';
import { MEASURE, N, verify, work } from './_work.mjs';

const als = new AsyncLocalStorage();
const RESOLVED = Promise.resolve();

class MinimalTask {
  constructor(i) {
    this.i = i;
    this.result = undefined;
  }
}

const startQueue = [];
let head = 0;
let settled = 0;
let allSettled;

function onFulfilled(value) {
  als.getStore().result = value;
  if (++settled === N) allSettled();
}

function onRejected(error) {
  throw error;
}

function startNext() {
  const task = startQueue[head];
  startQueue[head++] = undefined;
  als.enterWith(task);
  work(task.i).then(onFulfilled, onRejected);
}

await main(async () => {
  let ok = true;
  const m = await measure(async () => {
    const t0 = performance.now();
    settled = 0;
    head = 0;
    startQueue.length = 0;
    const done = new Promise((resolve) => {
      allSettled = resolve;
    });
    const tasks = new Array(N);
    for (let i = 0; i < N; i++) {
      const task = (tasks[i] = new MinimalTask(i));
      startQueue.push(task);
      RESOLVED.then(startNext);
    }
    await done;
    const results = new Array(N);
    for (let i = 0; i < N; i++) results[i] = tasks[i].result;
    const ms = performance.now() - t0;
    ok &&= verify(results);
    return ms;
  }, MEASURE);
  return { value: m.median, ok, info: m };
});
