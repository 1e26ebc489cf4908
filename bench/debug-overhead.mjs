// What tracing costs (docs/benchmarks.md, "Debug mode and tracing"): the core workloads run untraced and with
// run(main, { trace }) alternately in one process, iteration by iteration, the order reversed every round, so
// that both see the same machine load; medians of the rounds after 3 warm-up rounds, of the wall time and of
// the process CPU time of the timed section (steadier on a busy machine). With `--before FILE` (another
// build's dist/index.js, e.g. one without the debug hooks) it compares that build with this one, untraced,
// instead.
//   npm run build && node bench/debug-overhead.mjs w1 [rounds] [--before /path/to/other/dist/index.js]
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const beforeAt = args.indexOf('--before');
const beforePath = beforeAt >= 0 ? args.splice(beforeAt, 2)[1] : undefined;
const [which = 'w1', roundsArg = '21'] = args;
const cur = await import('asyncio-ts');
const other = beforePath === undefined ? undefined : await import(beforePath);
const N = 100_000;
const ready = Promise.resolve();
/** CPU time of the process (all threads) in ms: steadier than wall time on a busy machine. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** The last timed section's CPU time, set beside the wall time each workload returns. */
let lastCpu = 0;
async function work(i) {
  await ready;
  return i;
}

const workloads = {
  /** W1: spawn and join 100,000 tasks with gather. */
  w1: (lib) => async () => {
    const fns = new Array(N);
    for (let i = 0; i < N; i++) fns[i] = () => work(i);
    const c0 = cpuMs();
    const t0 = performance.now();
    const results = await lib.gather(...fns);
    const ms = performance.now() - t0;
    lastCpu = cpuMs() - c0;
    if (results.length !== N || results[N - 1] !== N - 1) throw new Error('w1: wrong results');
    return ms;
  },
  /** W1 with a task group. */
  w1tg: (lib) => async () => {
    const c0 = cpuMs();
    const t0 = performance.now();
    await lib.taskGroup(async (tg) => {
      for (let i = 0; i < N; i++) tg.createTask(() => work(i));
    });
    lastCpu = cpuMs() - c0;
    return performance.now() - t0;
  },
  /** W6: cancel 10,000 sleeping tasks and await them (the cancellation phase is timed). */
  w6: (lib) => async () => {
    const tasks = new Array(10_000);
    for (let i = 0; i < tasks.length; i++) tasks[i] = lib.createTask(() => lib.sleep(10_000));
    await lib.sleep(0);
    const c0 = cpuMs();
    const t0 = performance.now();
    for (const task of tasks) task.cancel();
    await lib.gather(...tasks, { returnExceptions: true });
    const ms = performance.now() - t0;
    lastCpu = cpuMs() - c0;
    if (!tasks.every((t) => t.cancelled())) throw new Error('w6: not all cancelled');
    return ms;
  },
  /** W5: 100,000 sequential timeouts that never fire. */
  w5: (lib) => async () => {
    const c0 = cpuMs();
    const t0 = performance.now();
    let sum = 0;
    for (let i = 0; i < N; i++) sum += await lib.timeout(1000, () => work(i));
    lastCpu = cpuMs() - c0;
    if (sum !== (N * (N - 1)) / 2) throw new Error('w5: wrong sum');
    return performance.now() - t0;
  },
};

const make = workloads[which];
if (make === undefined)
  throw new Error(`unknown workload ${which}; one of ${Object.keys(workloads).join(', ')}`);
const tracePath = join(tmpdir(), `asyncio-ts-debug-overhead-${process.pid}.json`);
const variants =
  other === undefined
    ? [
        ['untraced', () => cur.run(make(cur))],
        ['traced', () => cur.run(make(cur), { trace: tracePath })],
      ]
    : [
        ['before', () => other.run(make(other))],
        ['this build', () => cur.run(make(cur))],
      ];
const samples = Object.fromEntries(variants.map(([name]) => [name, []]));
const cpuSamples = Object.fromEntries(variants.map(([name]) => [name, []]));
for (let round = 0; round < Number(roundsArg); round++) {
  for (const [name, fn] of round % 2 === 0 ? variants : [...variants].reverse()) {
    const ms = await fn();
    if (round >= 3) {
      samples[name].push(ms);
      cpuSamples[name].push(lastCpu);
    }
  }
}
rmSync(tracePath, { force: true });
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const base = median(samples[variants[0][0]]);
const cpuBase = median(cpuSamples[variants[0][0]]);
const line = { node: process.version, workload: which };
for (const [name, values] of Object.entries(samples)) {
  line[name] = {
    medianMs: Number(median(values).toFixed(2)),
    ratio: Number((median(values) / base).toFixed(3)),
    cpuMedianMs: Number(median(cpuSamples[name]).toFixed(2)),
    cpuRatio: Number((median(cpuSamples[name]) / cpuBase).toFixed(3)),
  };
}
console.log(JSON.stringify(line));
