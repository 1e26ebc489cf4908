// Shared by every W9b implementation: the server in a child process, the load (400 GETs of 1 MiB, 8 at a
// time, each body read whole or streamed) and the check (every byte arrived).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const N = 400;
export const CONCURRENCY = 8;
export const SIZE = 1024 * 1024;
export const MEASURE = { warmup: 1, iterations: 5, budgetMs: 30_000 };

const here = dirname(fileURLToPath(import.meta.url));

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

/** Runs N GETs through `get()` (resolving with the bytes received), CONCURRENCY at a time; elapsed ms. */
export async function timedRun(get, state) {
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < N) {
      next++;
      const got = await get();
      bytes += got;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ms = performance.now() - t0;
  if (bytes !== N * SIZE) state.ok = false;
  return ms;
}

/** MiB per second from a median time per run. */
export function mibPerSecond(ms) {
  return Math.round(((N * SIZE) / 1048576 / ms) * 1000);
}

export function infoOf(m) {
  return { ...m, cpuUsPerReq: Math.round((m.cpuMs * 1000) / N) };
}
