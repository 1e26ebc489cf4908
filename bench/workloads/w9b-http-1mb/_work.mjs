// Shared by every W9b implementation: the server in a child process, the load (400 GETs of 1 MiB, 8 at a
// time, each body read whole or streamed) and the check (every byte arrived).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerProcess } from '../../lib/server-process.mjs';

export const N = 400;
export const CONCURRENCY = 8;
export const SIZE = 1024 * 1024;
export const MEASURE = { warmup: 1, iterations: 5, budgetMs: 30_000 };

const here = dirname(fileURLToPath(import.meta.url));

/** Starts the server process (`_server.mjs`); resolves with its base URL and a `close()`. */
export function startServer() {
  return startServerProcess(join(here, '_server.mjs'));
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
