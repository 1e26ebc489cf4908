/**
 * RedisSemaphore and RedisLock against a real redis-server, with real child processes: the value is never
 * exceeded across processes, a SIGKILLed holder's permit passes on after its lease (and not before: a live
 * holder renews), fencing tokens grow, a cancelled waiter consumes nothing, a restart mid-wait resumes, and
 * close() ends waits and leaves no timer or socket.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CancelledError, createTask, InvalidStateError, run, sleep } from 'asyncio-ts';
import { connectRedis, type RedisConnection, RedisLock, RedisSemaphore } from 'asyncio-ts/redis';
import { activeResources } from '../helpers/leaks.js';
import { RedisServer, redisSkip, requireRedisInCi, startWorker, within } from '../helpers/redis.js';

// real time: a real redis-server; a few short sleeps let a waiter reach the server (its pub/sub and leases
// run on the server's clock), so these tests cannot run on a VirtualClock. No assertion is about how long.

requireRedisInCi();

describe('RedisSemaphore / RedisLock', { skip: redisSkip }, () => {
  const server = new RedisServer();
  let redis: RedisConnection;
  let n = 0;
  const key = () => `t${++n}`;
  before(async () => {
    await server.start();
    redis = await connectRedis(server.url);
  });
  after(async () => {
    await redis?.close();
    await server.stop();
  });

  test('bad arguments throw at the call, naming them', async () => {
    assert.throws(
      () => new RedisSemaphore({} as RedisConnection, 'k'),
      /RedisSemaphore: redis must be a RedisConnection/,
    );
    assert.throws(
      () => new RedisSemaphore(redis, ''),
      (e) => e instanceof RangeError && /key must not be empty/.test(e.message),
    );
    assert.throws(
      () => new RedisSemaphore(redis, 'k', { value: 0 }),
      (e) => e instanceof RangeError && /options.value/.test(e.message),
    );
    assert.throws(
      () => new RedisLock(redis, 'k', { leaseMs: Number.POSITIVE_INFINITY }),
      (e) => e instanceof RangeError && /options.leaseMs/.test(e.message),
    );
    assert.throws(() => new RedisLock(redis, 'k', { leaseMs: Number.NaN }), RangeError);
    const sem = new RedisSemaphore(redis, key());
    assert.throws(
      () => sem.acquire({ signal: 1 as unknown as AbortSignal }),
      /options.signal must be an AbortSignal/,
    );
    await assert.rejects(connectRedis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0 }), {
      code: 'ERR_REDIS_CONNECTION',
    });
    assert.throws(() => connectRedis('http://x' as string), TypeError);
  });

  test('N processes never exceed the value', async () => {
    const k = key();
    const workers = Array.from({ length: 4 }, () => startWorker([server.url, 'sem', k, '2', '12']));
    const codes = await within(Promise.all(workers.map((w) => w.exited)), 60_000, 'workers');
    assert.deepEqual(codes, [0, 0, 0, 0]);
    for (const w of workers) {
      const max = Number((await w.line('max ')).split(' ')[1]);
      assert.ok(max >= 1 && max <= 2, `a process saw ${max} holders`);
    }
    assert.equal(await redis.client.get(`${k}:inside`), '0');
  });

  test("a live holder keeps its permit past leaseMs; a SIGKILLed holder's passes on after its lease", async () => {
    const k = key();
    const holder = startWorker([server.url, 'hold', 'sem', k, '1000']);
    await within(holder.line('held '), 20_000, 'holder');
    const sem = new RedisSemaphore(redis, k, { leaseMs: 1000 });
    // Twice the lease: the holder must have renewed it.
    await assert.rejects(sem.acquire({ signal: AbortSignal.timeout(2000) }), { name: 'TimeoutError' });
    holder.child.kill('SIGKILL');
    await holder.exited;
    const permit = await within(sem.acquire(), 10_000, 'acquire after the holder died');
    assert.equal(permit.released, false);
    await permit.release();
  });

  test('a paused holder (SIGSTOP) loses its lease; resumed, it does not take the lock back', async () => {
    const k = key();
    const holder = startWorker([server.url, 'hold', 'lock', k, '400']);
    const t1 = Number((await within(holder.line('held '), 20_000, 'holder')).split(' ')[1]);
    holder.child.kill('SIGSTOP');
    const lock = new RedisLock(redis, k, { leaseMs: 400 });
    try {
      const permit = await within(lock.acquire(), 10_000, 'acquire while the holder is paused');
      assert.ok(permit.token > t1);
      holder.child.kill('SIGCONT');
      await sleep(400); // the resumed holder renews (its lease is gone, the lock is taken: it stays out)
      assert.deepEqual(await redis.client.zrange(`asyncio-ts:lock:{${k}}:holders`, 0, -1), [
        (permit as unknown as { id: string }).id,
      ]);
      await permit.release();
    } finally {
      holder.child.kill('SIGKILL');
      await holder.exited;
    }
  });

  test('lock fencing tokens strictly increase, also across a killed holder', async () => {
    const k = key();
    const lock = new RedisLock(redis, k, { leaseMs: 400 });
    const p1 = await lock.acquire();
    await p1.release();
    const holder = startWorker([server.url, 'hold', 'lock', k, '400']);
    const t2 = Number((await within(holder.line('held '), 20_000, 'holder')).split(' ')[1]);
    holder.child.kill('SIGKILL');
    await holder.exited;
    const p3 = await within(lock.acquire(), 10_000, 'after the holder died');
    await p3.release();
    const p4 = await lock.acquire();
    await p4.release();
    assert.ok(
      p1.token < t2 && t2 < p3.token && p3.token < p4.token,
      `${p1.token} ${t2} ${p3.token} ${p4.token}`,
    );
  });

  test('a cancelled waiter consumes nothing', async () => {
    const k = key();
    const holder = startWorker([server.url, 'hold', 'sem', k, '400']);
    await within(holder.line('held '), 20_000, 'holder');
    const sem = new RedisSemaphore(redis, k, { leaseMs: 400 });
    const aborted = new AbortController();
    const cancelled = sem.acquire({ signal: aborted.signal });
    await run(async () => {
      const task = createTask(() => sem.acquire());
      await sleep(50);
      task.cancel();
      await assert.rejects(async () => await task, CancelledError);
    });
    const reason = new Error('gave up');
    aborted.abort(reason);
    await assert.rejects(cancelled, (err: unknown) => err === reason); // the signal's reason itself, not a wrap
    holder.child.kill('SIGKILL');
    await holder.exited;
    const permit = await within(sem.acquire(), 10_000, 'acquire after the holder died');
    assert.equal(await redis.client.zcard(`asyncio-ts:sem:{${k}}:holders`), 1);
    await permit.release();
    assert.equal(await redis.client.zcard(`asyncio-ts:sem:{${k}}:holders`), 0);
  });

  test('a release in another connection wakes the waiter (runExclusive, using)', async () => {
    const k = key();
    const other = await connectRedis(server.url);
    try {
      const sem = new RedisSemaphore(redis, k, { value: 1 });
      const semB = new RedisSemaphore(other, k, { value: 1 });
      const order: string[] = [];
      const a = await sem.acquire();
      const b = semB.runExclusive(() => order.push('b'));
      await sleep(50);
      order.push('a');
      await a.release();
      await within(b, 10_000, 'waiter');
      assert.deepEqual(order, ['a', 'b']);
      {
        using _p = await semB.acquire();
      }
      const again = await within(sem.acquire(), 10_000, 'after using');
      await again.release();
    } finally {
      await other.close();
    }
  });

  test('a redis restart mid-wait resumes the waiter', async () => {
    const k = key();
    const holderConn = await connectRedis(server.url);
    const sem = new RedisSemaphore(redis, k, { leaseMs: 30_000 });
    await new RedisSemaphore(holderConn, k, { leaseMs: 30_000 }).acquire();
    await holderConn.close(); // its lease would last 30 s; the restart forgets it
    const waiting = sem.acquire();
    await sleep(50);
    await server.restart();
    const permit = await within(waiting, 15_000, 'acquire across a restart');
    await permit.release();
  });

  test('a server gone for good: a waiting acquire ends with ERR_REDIS_CONNECTION, not a hang', async () => {
    const doomed = new RedisServer();
    await doomed.start();
    const conn = await connectRedis(doomed.url, { maxRetriesPerRequest: 2, maxReconnectDelay: 50 });
    try {
      const sem = new RedisSemaphore(conn, key());
      await sem.acquire();
      const waiting = sem.acquire().then(
        () => 'acquired',
        (err: unknown) => err,
      );
      await sleep(50);
      await doomed.stop();
      const outcome = await within(waiting, 15_000, 'the waiter');
      assert.equal((outcome as { code?: string }).code, 'ERR_REDIS_CONNECTION', String(outcome));
    } finally {
      await conn.close();
    }
  });

  test('close() rejects pending waits, later calls throw InvalidStateError, nothing is left', async () => {
    const before = activeResources();
    const conn = await connectRedis(server.url);
    const k = key();
    const sem = new RedisSemaphore(conn, k);
    const held = await sem.acquire();
    const waiting = sem.acquire().then(
      () => 'acquired',
      (err: unknown) => err,
    );
    await sleep(20);
    await conn.close();
    assert.ok((await waiting) instanceof InvalidStateError);
    assert.throws(() => sem.acquire(), InvalidStateError);
    assert.throws(() => new RedisLock(conn, 'x'), InvalidStateError);
    await held.release(); // harmless after close
    await sleep(20);
    // Compared with before this connection existed: the file's shared connection may keep its own (unref'd)
    // lease timer until its next tick.
    const now = activeResources();
    assert.ok((now.Timeout ?? 0) <= (before.Timeout ?? 0), `timers left: ${JSON.stringify(now)}`);
    assert.ok(
      (now.TCPSocketWrap ?? 0) <= (before.TCPSocketWrap ?? 0),
      `sockets left: ${JSON.stringify(now)}`,
    );
  });
});
