// Which Redis client under asyncio-ts/redis: the same EVALSHA round trip (a tiny script, as every
// primitive runs one per operation) and a pipelined burst, on ioredis and node-redis, on one redis-server.
// Usage: node bench/redis/clients.mjs   (starts its own redis-server on a free port; prints a table)
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startRedis } from './_server.mjs';

const N = Number(process.env.N ?? 5000);
const server = await startRedis();
const script = "return redis.call('INCR', KEYS[1])";
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
async function measure(name, fn) {
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) await fn();
    rounds.push(((performance.now() - t0) * 1000) / N);
  }
  return { name, usPerOp: median(rounds) };
}
async function burst(name, fn) {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: N }, () => fn()));
  return { name, usPerOp: ((performance.now() - t0) * 1000) / N };
}
try {
  const io = new Redis(server.url);
  io.defineCommand('bump', { numberOfKeys: 1, lua: script });
  const nr = createClient({ url: server.url });
  await nr.connect();
  const sha = await nr.scriptLoad(script);
  const rows = [];
  for (let k = 0; k < 2; k++) {
    rows.push(await measure('ioredis evalsha sequential', () => io.bump('k1')));
    rows.push(await measure('node-redis evalsha sequential', () => nr.evalSha(sha, { keys: ['k2'] })));
  }
  rows.push(await burst('ioredis evalsha 5000 concurrent', () => io.bump('k1')));
  rows.push(await burst('node-redis evalsha 5000 concurrent', () => nr.evalSha(sha, { keys: ['k2'] })));
  console.log('| client / op | µs per op |\n| --- | --- |');
  for (const r of rows.slice(2)) console.log(`| ${r.name} | ${r.usPerOp.toFixed(1)} |`);
  io.disconnect();
  await nr.quit();
} finally {
  await server.stop();
}
