// asyncio-ts/redis against its peers on one throwaway redis-server (started here on a free port, stopped at
// the end): the median of a few short rounds each, alternating the implementations, as µs per operation
// (lower is better) and the ratio to the peer measured in the same run.
//   uncontended acquire+release   RedisSemaphore(5)            vs redis-semaphore Semaphore(5)
//   limiter acquire               RedisRateLimiter (never full) vs rate-limiter-flexible RateLimiterRedis.consume
//   queue put+get+taskDone        RedisQueue, 16 consumers      vs BullMQ Queue.add + Worker (concurrency 16)
//   hand-over latency p50         RedisLock, 2 processes        vs redis-semaphore Mutex (polls, retryInterval 10)
// Usage: npm run build && node bench/redis/run.mjs [--rounds 3]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectRedis, RedisLock, RedisQueue, RedisRateLimiter, RedisSemaphore } from 'asyncio-ts/redis';
import { Queue as BullQueue, Worker as BullWorker } from 'bullmq';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { Mutex, Semaphore } from 'redis-semaphore';
import { startRedis } from './_server.mjs';

const self = fileURLToPath(import.meta.url);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

if (process.argv[2] === '--handover-child') {
  await handoverChild(...process.argv.slice(3));
  process.exit(0);
}

const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
const OPS = 1500;
const JOBS = 2000;
const HANDOVERS = 150;

const server = await startRedis();
const redis = await connectRedis(server.url);
const io = new Redis(server.url, { maxRetriesPerRequest: null });
let seq = 0;

async function perOp(n, fn) {
  for (let i = 0; i < n / 5; i++) await fn(); // warm-up (JIT, scripts loaded, connections subscribed)
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return ((performance.now() - t0) * 1000) / n;
}

const workloads = {
  'uncontended acquire+release': {
    'asyncio-ts': async () => {
      const sem = new RedisSemaphore(redis, `b${++seq}`, { value: 5 });
      return perOp(OPS, async () => (await sem.acquire()).release());
    },
    'redis-semaphore': async () => {
      const sem = new Semaphore(io, `b${++seq}`, 5, { lockTimeout: 30_000 });
      return perOp(OPS, async () => {
        await sem.acquire();
        await sem.release();
      });
    },
  },
  'limiter acquire': {
    'asyncio-ts': async () => {
      const limiter = new RedisRateLimiter(redis, `b${++seq}`, 1_000_000, 1000);
      return perOp(OPS, () => limiter.acquire());
    },
    'rate-limiter-flexible': async () => {
      const limiter = new RateLimiterRedis({
        storeClient: io,
        points: 1_000_000,
        duration: 1,
        keyPrefix: `b${++seq}`,
      });
      return perOp(OPS, () => limiter.consume('k'));
    },
  },
  'queue put+get+taskDone (2000 tiny jobs, 16 consumers)': {
    'asyncio-ts': async () => {
      const q = new RedisQueue(redis, `b${++seq}`);
      const t0 = performance.now();
      const consumers = Array.from({ length: 16 }, async () => {
        for await (const _ of q) q.taskDone();
      });
      for (let i = 0; i < JOBS; i += 100)
        await Promise.all(Array.from({ length: 100 }, (_, j) => q.put({ n: i + j })));
      await q.join();
      const us = ((performance.now() - t0) * 1000) / JOBS;
      await q.shutdown();
      await Promise.all(consumers);
      return us;
    },
    bullmq: async () => {
      const name = `b${++seq}`;
      const connection = { host: '127.0.0.1', port: server.port };
      const queue = new BullQueue(name, { connection });
      let done = 0;
      let finish;
      const all = new Promise((resolve) => (finish = resolve));
      const t0 = performance.now();
      const worker = new BullWorker(name, async () => {}, { connection, concurrency: 16 });
      worker.on('completed', () => {
        if (++done === JOBS) finish();
      });
      for (let i = 0; i < JOBS; i += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, j) => queue.add('j', { n: i + j }, { removeOnComplete: true })),
        );
      }
      await all;
      const us = ((performance.now() - t0) * 1000) / JOBS;
      await worker.close();
      await queue.close();
      return us;
    },
  },
  'hand-over latency p50 (release in one process → waiter in another resumes)': {
    'asyncio-ts': () => handover('asyncio-ts'),
    'redis-semaphore': () => handover('redis-semaphore'),
  },
};

/** Two processes take turns on one lock; each hand-over is timed from release() to the other's acquire. */
async function handover(impl) {
  const key = `h${++seq}`;
  const children = ['a', 'b'].map((role) =>
    spawn(process.execPath, [self, '--handover-child', server.url, impl, key, role, String(HANDOVERS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const outputs = await Promise.all(
    children.map(
      (c) =>
        new Promise((resolve, reject) => {
          let out = '';
          c.stdout.on('data', (d) => (out += d));
          c.on('exit', (code) =>
            code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${impl} child exited ${code}`)),
          );
        }),
    ),
  );
  const events = outputs.flat().sort((x, y) => x.t - y.t);
  const latencies = [];
  for (let i = 1; i < events.length; i++) {
    const [prev, next] = [events[i - 1], events[i]];
    if (prev.kind === 'release' && next.kind === 'acquire' && prev.role !== next.role)
      latencies.push((next.t - prev.t) * 1000);
  }
  return median(latencies);
}

async function handoverChild(url, impl, key, role, countText) {
  const count = Number(countText);
  // CLOCK_MONOTONIC is one clock for every process of the machine, so the two processes' stamps compare.
  const clock = () => Number(process.hrtime.bigint()) / 1e6;
  const events = [];
  const pause = (ms) => new Promise((r) => setTimeout(r, ms));
  let acquire;
  let close;
  if (impl === 'asyncio-ts') {
    const conn = await connectRedis(url);
    const lock = new RedisLock(conn, key, { leaseMs: 10_000 });
    acquire = async () => {
      const p = await lock.acquire();
      return () => p.release();
    };
    close = () => conn.close();
  } else {
    const client = new Redis(url);
    acquire = async () => {
      const m = new Mutex(client, key, { lockTimeout: 10_000, retryInterval: 10, acquireTimeout: 60_000 });
      await m.acquire();
      return () => m.release();
    };
    close = () => client.quit();
  }
  // Start together: b begins after a small delay so a holds first.
  if (role === 'b') await pause(200);
  for (let i = 0; i < count; i++) {
    const release = await acquire();
    events.push({ role, kind: 'acquire', t: clock() });
    // Held longer than the pause after a release, so the other process is always already waiting: every
    // release is a hand-over.
    await pause(4);
    events.push({ role, kind: 'release', t: clock() });
    await release();
    await pause(1);
  }
  await close();
  process.stdout.write(JSON.stringify(events));
}

const results = {};
try {
  for (const [title, impls] of Object.entries(workloads)) {
    results[title] = Object.fromEntries(Object.keys(impls).map((k) => [k, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const [impl, fn] of Object.entries(impls)) results[title][impl].push(await fn());
    }
  }
} finally {
  await redis.close();
  io.disconnect();
  await server.stop();
}

console.log(`redis-server on 127.0.0.1, Node ${process.version}, ${ROUNDS} rounds (median, min–max)\n`);
console.log('| workload | implementation | µs | ratio to peer |');
console.log('| --- | --- | --- | --- |');
for (const [title, impls] of Object.entries(results)) {
  const names = Object.keys(impls);
  const peer = median(impls[names[1]]);
  for (const name of names) {
    const xs = impls[name];
    const m = median(xs);
    const range = `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
    console.log(`| ${title} | ${name} | ${m.toFixed(1)} (${range}) | ${(m / peer).toFixed(2)}× |`);
  }
}
