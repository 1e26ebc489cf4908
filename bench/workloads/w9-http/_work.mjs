// Shared by every W9 implementation: the server in a child process, the load shape (20,000 GETs, 64 at a
// time, each a worker loop that reads the whole body), and the check of the results.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const N = 20_000;
export const CONCURRENCY = 64;
export const EXPECTED_BODY = JSON.stringify({ ok: true, message: 'hello from w9' });
/** One run is ~1 s of requests: a short warm-up (connections open, code optimised), then 5 timed runs. */
export const MEASURE = { warmup: 2, iterations: 5, budgetMs: 30_000 };

const here = dirname(fileURLToPath(import.meta.url));

/** Starts the server process; resolves with its base URL and a `close()`. */
export async function startServer() {
  const child = spawn(process.execPath, [join(here, '_server.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(Number(text.trim()));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
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
