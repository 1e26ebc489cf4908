// `npm start`: runs the TypeScript twin of every program of the seed document, one after another, each
// under a heading. Each example is its own process (as each seed program is its own script).
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** In the seed document's order. */
export const EXAMPLES = [
  { file: 'hello.ts', title: 'Hello, asyncio: one coroutine that waits' },
  { file: 'sync-vs-async.ts', title: 'Synchronous vs asynchronous: ≈ 5 s vs ≈ 1 s' },
  {
    file: 'semaphore.ts',
    title: 'gather and limiting concurrency: 30 fetches, at most 5 at once (Semaphore)',
  },
  { file: 'semaphore-map.ts', title: 'The same 30 fetches with map(…, { concurrency: 5 })' },
  { file: 'queue.ts', title: 'asyncio.Queue: a producer, three consumers, null sentinels, join()' },
  { file: 'queue-shutdown.ts', title: 'The same with Queue.shutdown() and for await: no sentinels' },
  { file: 'wait-for.ts', title: 'Timeouts with waitFor' },
  { file: 'cancel-task.ts', title: 'Cancelling a task safely' },
  { file: 'aiohttp.ts', title: 'aiohttp: three delayed requests through one ClientSession: ≈ 3 s, not 6' },
  {
    file: 'crawler.ts',
    title: 'A polite crawler: limitPerHost, rateLimit, retry on 503, a timeout per request, Ctrl-C',
  },
  {
    file: 'distributed-crawler.ts',
    title: 'Scaling out: 4 processes share a RedisQueue and a RedisRateLimiter (needs redis-server)',
  },
  {
    file: 'run-in-executor.ts',
    title: 'Blocking code in the default thread pool: [ 9, 16 ] in ≈ 1 s, not 2 s',
  },
  { file: 'cpu-bound.ts', title: 'CPU-bound work on all cores while the event loop keeps ticking' },
  { file: 'tcp-echo.ts', title: 'asyncio docs: the TCP echo server and client on streams' },
  {
    file: 'subprocess-timeout.ts',
    title: 'asyncio docs: a subprocess under a timeout, killed and reaped when it expires',
  },
  { file: 'task-tree.ts', title: 'Seeing it: a stuck program prints its task tree (debug mode)' },
  { file: 'timeline.ts', title: 'Seeing it: the sync-vs-async twin traced and drawn as a timeline' },
];

// Imported (by `asyncio-ts tour`, for EXAMPLES) it runs nothing.
const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
const only = process.argv[2];
let failed = 0;
for (const { file, title } of isMain ? EXAMPLES : []) {
  if (only !== undefined && !file.startsWith(only)) continue;
  console.log(`\n=== ${title} (examples/${file}) ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.log(`!!! examples/${file} exited with ${result.status ?? result.signal}`);
  }
}
if (isMain) process.exit(failed === 0 ? 0 : 1);
