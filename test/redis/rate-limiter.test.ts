/**
 * RedisRateLimiter against a real redis-server: the rate holds across 3 processes (checked by counting
 * acquisitions against the server's clock, never by speed), a cancelled waiter consumes no token, and it
 * has RateLimiter's shape.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RateLimiter, type RateLimiterLike } from 'asyncio-ts';
import { connectRedis, type RedisConnection, RedisRateLimiter } from 'asyncio-ts/redis';
import { RedisServer, redisSkip, requireRedisInCi, startWorker, within } from '../helpers/redis.js';

// real time: a real redis-server counts the rate on its own clock; no assertion is about how long anything took.

requireRedisInCi();

async function serverMs(redis: RedisConnection): Promise<number> {
  const [s, us] = await redis.client.time();
  return Number(s) * 1000 + Number(us) / 1000;
}

describe('RedisRateLimiter', { skip: redisSkip }, () => {
  const server = new RedisServer();
  let redis: RedisConnection;
  before(async () => {
    await server.start();
    redis = await connectRedis(server.url);
  });
  after(async () => {
    await redis?.close();
    await server.stop();
  });

  test('bad arguments throw at the call, naming them', () => {
    assert.throws(() => new RedisRateLimiter(redis, '', 1, 1000), /key must not be empty/);
    assert.throws(
      () => new RedisRateLimiter(redis, 'k', 0, 1000),
      (e) => e instanceof RangeError && /rate/.test(e.message),
    );
    assert.throws(
      () => new RedisRateLimiter(redis, 'k', 1, Number.POSITIVE_INFINITY),
      (e) => e instanceof RangeError && /perMs/.test(e.message),
    );
    assert.throws(() => new RedisRateLimiter(redis, 'k', 1, 0), /perMs/);
    const shapes: RateLimiterLike[] = [new RateLimiter(1, 10), new RedisRateLimiter(redis, 'k', 1, 10)];
    assert.equal(shapes.length, 2);
  });

  test('the rate holds across 3 processes (counted on the server clock)', async () => {
    const [rate, perMs, each] = [5, 500, 6];
    const t0 = await serverMs(redis);
    const workers = Array.from({ length: 3 }, () =>
      startWorker([server.url, 'limit', 'lim', String(rate), String(perMs), String(each)]),
    );
    assert.deepEqual(await within(Promise.all(workers.map((w) => w.exited)), 60_000, 'workers'), [0, 0, 0]);
    const stamps = (await redis.client.lrange('lim:stamps', 0, -1)).map(Number).sort((a, b) => a - b);
    assert.equal(stamps.length, 3 * each);
    // A bucket of `rate` that starts full and refills one token per perMs/rate allows, by time t, at most
    // rate + (t - t0) / interval acquisitions. Each stamp is taken after its acquisition, so this is safe.
    const interval = perMs / rate;
    stamps.forEach((t, i) => {
      assert.ok(
        i + 1 <= rate + (t - t0) / interval + 1,
        `${i + 1} acquisitions by ${(t - t0).toFixed(1)} ms`,
      );
    });
  });

  test('a cancelled waiter consumes no token', async () => {
    const limiter = new RedisRateLimiter(redis, 'cancel', 1, 400);
    await limiter.acquire(); // the bucket is empty now
    const aborted = new AbortController();
    const waiting = limiter.acquire({ signal: aborted.signal });
    await new Promise((resolve) => setTimeout(resolve, 50)); // it has asked the server and sleeps until due
    const reason = new Error('gave up');
    aborted.abort(reason);
    await assert.rejects(waiting, (err: unknown) => err === reason); // the signal's reason itself, not a wrap
    // The one token of the next window goes to this acquire; had the cancelled one taken it, this would fail.
    await within(limiter.acquire(), 10_000, 'acquire');
    assert.equal(await limiter.tryAcquire(), false);
  });
});
