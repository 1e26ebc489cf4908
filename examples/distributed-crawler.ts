// Scaling out: four worker processes crawl one site together. They share one RedisQueue of URLs (each URL
// delivered at least once: a worker that dies mid-page loses nothing) and one RedisRateLimiter (20 requests
// per second for all four together, not each). The coordinator fills the queue, waits with join(), then
// shuts the queue down, which ends every worker's `for await`. The site is the local test server; its own
// request count shows the shared rate held. One worker is killed on purpose after its third page, before
// taskDone(): that page is delivered again to another worker once its visibility runs out.
// Needs redis-server (it starts its own on a free port) or REDIS_URL; without either it says so and stops.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { connectRedis, RedisQueue, RedisRateLimiter } from 'asyncio-ts/redis';
import { startTestServer } from 'asyncio-ts/testing';

const PAGES = 60;
const RATE = 20;
const PER_MS = 1000;
const WORKERS = 4;

if (process.env.CRAWLER_WORKER !== undefined) await worker(Number(process.env.CRAWLER_WORKER));
else await coordinator();

/** One worker process: take a URL, wait for the shared limiter, fetch, acknowledge. */
async function worker(n: number): Promise<void> {
  await using redis = await connectRedis(process.env.CRAWLER_REDIS);
  const urls = new RedisQueue<string>(redis, process.env.CRAWLER_KEY!, { visibilityMs: 1000 });
  const limiter = new RedisRateLimiter(redis, process.env.CRAWLER_KEY!, RATE, PER_MS);
  let pages = 0;
  for await (const url of urls) {
    await limiter.acquire();
    const res = await fetch(url);
    await res.arrayBuffer();
    pages++;
    if (n === WORKERS && pages === 3) {
      console.log(`worker ${n}: dies holding ${new URL(url).pathname} (no taskDone)`);
      process.exit(1);
    }
    urls.taskDone();
  }
  console.log(`worker ${n}: ${pages} pages`);
}

async function coordinator(): Promise<void> {
  const redisServer = process.env.REDIS_URL === undefined ? await startRedisServer() : undefined;
  if (process.env.REDIS_URL === undefined && redisServer === undefined) {
    console.log(
      'skipped: redis-server is not installed (apt-get install redis-server) and REDIS_URL is not set',
    );
    return;
  }
  const redisUrl = process.env.REDIS_URL ?? redisServer!.url;
  await using site = await startTestServer();
  await using redis = await connectRedis(redisUrl);
  const key = `crawl-${process.pid}-${Date.now()}`;
  const urls = new RedisQueue<string>(redis, key, { visibilityMs: 1000 });
  for (let i = 0; i < PAGES; i++) await urls.put(`${site.url}/anything/page-${i}`);
  console.log(`${PAGES} URLs queued; ${WORKERS} workers share ${RATE} requests per ${PER_MS} ms`);

  // The server's own count, sampled: at no moment may it exceed what a full bucket plus its refill allows.
  const t0 = performance.now();
  let worst = Number.NEGATIVE_INFINITY;
  let first = 0;
  const sample = setInterval(() => {
    if (first === 0 && site.requests > 0) first = performance.now();
    const allowed = RATE + ((performance.now() - t0) * RATE) / PER_MS;
    worst = Math.max(worst, site.requests - allowed);
  }, 5);

  const env = { ...process.env, CRAWLER_REDIS: redisUrl, CRAWLER_KEY: key };
  const self = fileURLToPath(import.meta.url);
  const workers = Array.from({ length: WORKERS }, (_, i) =>
    run(
      spawn(process.execPath, [...process.execArgv, self], {
        env: { ...env, CRAWLER_WORKER: String(i + 1) },
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    ),
  );
  await urls.join();
  const seconds = (performance.now() - first) / 1000;
  await urls.shutdown();
  const codes = await Promise.all(workers);
  clearInterval(sample);
  console.log(
    `all ${PAGES} pages done ${seconds.toFixed(1)} s after the first request; worker exit codes ${codes.join(' ')}`,
  );
  console.log(
    `the server saw ${site.requests} requests (${site.requests - PAGES} redelivered): ` +
      `${((site.requests - RATE) / seconds).toFixed(1)}/s after the first burst of ${RATE}, limit ${RATE}/s`,
  );
  console.log(
    worst <= 0
      ? `at every sample (every 5 ms) the server's count stayed within ${RATE} + ${RATE}/s × elapsed: the shared rate held`
      : `the server's count went ${worst.toFixed(0)} over the bucket's bound: the rate did NOT hold`,
  );
  await redis.client.del(...(await redis.client.keys(`asyncio-ts:*{${key}}*`)));
  await redisServer?.stop();
  if (worst > 0) process.exitCode = 1;
}

/** Resolves with the child's exit code, echoing its lines. */
function run(child: ChildProcess): Promise<number> {
  child.stdout?.setEncoding('utf8').on('data', (text: string) => process.stdout.write(text));
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

/** A throwaway redis-server on a free port (no persistence), or undefined if it is not installed. */
async function startRedisServer(): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return undefined;
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('Ready to accept connections')) resolve();
    });
  });
  child.removeAllListeners('exit');
  child.stdout.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => child.once('exit', () => resolve()).kill('SIGTERM')),
  };
}
