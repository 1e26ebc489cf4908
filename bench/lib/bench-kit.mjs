// Helpers for benchmark scripts (bench/workloads/<id>/<impl>.mjs). A script does its work, verifies it and
// prints exactly one JSON line as its LAST stdout line: {"value": <number>, "ok": <bool>, "info": {...}}.
// `main(fn)` does the printing and turns a thrown error into `ok: false` with a non-zero exit code, so that
// the harness reports the failure instead of dropping it.

/** Prints the result line the harness reads. */
export function report(value, ok, info = {}) {
  process.stdout.write(`${JSON.stringify({ value, ok, info })}\n`);
}

/**
 * Runs `fn` (which returns `{ value, ok, info }`) and reports its outcome; an exception becomes
 * `ok: false` with the error in `info.error` and exit code 1.
 */
export async function main(fn) {
  try {
    const { value, ok, info } = await fn();
    report(value, ok === true && Number.isFinite(value), info ?? {});
    if (ok !== true) process.exitCode = 1;
  } catch (err) {
    report(null, false, { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exitCode = 1;
  }
}

/** The median of `values` (the mean of the two middle ones for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rounds to 4 significant digits, for compact `info`. */
export function round4(value) {
  return Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
}

/**
 * Times `iteration()` (async, returns a number of milliseconds or undefined to time it whole):
 * `warmup` discarded runs, then `iterations` timed runs; the median is the result. Keeps a slow
 * implementation bounded: warming up stops once it took `budgetMs / 2`, timing stops once the timed runs
 * took `budgetMs / 2` (at least one timed run), and an implementation whose first run alone exceeds
 * `budgetMs` is measured by that run only (after so much work the JIT is warm anyway). `cpuMs` is the median
 * process CPU time of the timed runs. With `gcBefore`
 * (needs `--expose-gc`) a full collection runs before each run, outside the timing.
 */
export async function measure(
  iteration,
  { warmup = 2, iterations = 5, budgetMs = 6000, gcBefore = false } = {},
) {
  if (gcBefore && typeof globalThis.gc !== 'function') throw new Error('gcBefore needs --expose-gc');
  const collect = gcBefore ? globalThis.gc : undefined;
  const cpu = [];
  const timeOne = async () => {
    // With gcBefore, every run starts from a collected heap: the previous run's garbage is not billed to it.
    collect?.();
    const c0 = cpuMs();
    const t0 = performance.now();
    const inner = await iteration();
    const wall = typeof inner === 'number' ? inner : performance.now() - t0;
    cpu.push(cpuMs() - c0);
    return wall;
  };
  const samples = [];
  let warmed = 0;
  let spent = 0;
  let firstRunOnly = false;
  while (warmed < warmup && spent < budgetMs / 2) {
    const t = await timeOne();
    if (warmed === 0 && t > budgetMs) {
      samples.push(t);
      firstRunOnly = true;
      break;
    }
    warmed++;
    spent += t;
  }
  const warmCpu = cpu.length - samples.length;
  if (!firstRunOnly) {
    let timed = 0;
    for (let i = 0; i < iterations && (i === 0 || timed < budgetMs / 2); i++) {
      const t = await timeOne();
      samples.push(t);
      timed += t;
    }
  }
  const timedCpu = firstRunOnly ? cpu : cpu.slice(warmCpu);
  return {
    median: median(samples),
    cpuMs: round4(median(timedCpu)),
    min: Math.min(...samples),
    max: Math.max(...samples),
    samples: samples.map(round4),
    warmup: warmed,
    firstRunOnly,
  };
}

/**
 * CPU time of the whole process so far (all threads: the garbage collector's helpers count), in ms. Less
 * sensitive than wall time to other processes competing for the cores, so scripts report it beside the value.
 */
export function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Resolves after `count` turns of the event loop. */
export async function turns(count = 2) {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Timers and immediates that keep the process alive (unref'd ones are not counted by Node), after a
 * couple of event-loop turns: e.g. `{ Timeout: 0, Immediate: 0 }`.
 */
export async function activeTimers() {
  await turns(2);
  const counts = { Timeout: 0, Immediate: 0 };
  for (const type of process.getActiveResourcesInfo()) if (type in counts) counts[type]++;
  return counts;
}

/** `heapUsed` after full garbage collections (the script must run with `--expose-gc`). */
export function heapUsedAfterGc() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc (workload.json "nodeArgs")');
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}
