// Shared by every W9 implementation: the server in a child process, the load shape (20,000 GETs, 64 at a
// time, each a worker loop that reads the whole body), and the check of the results.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerProcess } from '../../lib/server-process.mjs';

export const N = 20_000;
export const CONCURRENCY = 64;
export const EXPECTED_BODY = JSON.stringify({ ok: true, message: 'hello from w9' });
/** One run is ~1 s of requests: a short warm-up (connections open, code optimised), then 5 timed runs. */
export const MEASURE = { warmup: 2, iterations: 5, budgetMs: 30_000 };

const here = dirname(fileURLToPath(import.meta.url));

/** Starts the server process (`_server.mjs`); resolves with its base URL and a `close()`. */
export function startServer() {
  return startServerProcess(join(here, '_server.mjs'));
}

/**
 * Runs N requests through `get(i)` (which resolves with `[status, bodyText]`), CONCURRENCY at a time,
 * and returns the elapsed milliseconds; `state.ok` turns false if any answer is not 200 with the body.
 */
export async function timedRun(get, state) {
  let next = 0;
  let good = 0;
  const worker = async () => {
    while (next < N) {
      const i = next++;
      const [status, text] = await get(i);
      if (status === 200 && text === EXPECTED_BODY) good++;
    }
  };
  const t0 = performance.now();
  const workers = [];
  for (let w = 0; w < CONCURRENCY; w++) workers.push(worker());
  await Promise.all(workers);
  const ms = performance.now() - t0;
  if (good !== N) state.ok = false;
  return ms;
}

/** Requests per second from a median time per run. */
export function perSecond(ms) {
  return Math.round((N / ms) * 1000);
}

/** The run's `info`: the timings, plus the client's CPU time per request (steadier than wall time on a busy machine). */
export function infoOf(m, extra = {}) {
  return { ...m, ...extra, cpuUsPerReq: Math.round((m.cpuMs * 10_000) / N) / 10 };
}
