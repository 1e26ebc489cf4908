/**
 * RedisQueue against a real redis-server: FIFO put/get, taskDone per task, join, shutdown (and immediate),
 * for await, maxsize, a cancelled get consumes nothing, a consumer SIGKILLed mid-item gets it redelivered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createTask,
  QueueEmpty,
  QueueFull,
  type QueueLike,
  QueueShutDown,
  run,
  sleep,
  taskGroup,
} from 'asyncio-ts';
import { connectRedis, type RedisConnection, RedisQueue } from 'asyncio-ts/redis';
import { RedisServer, redisSkip, requireRedisInCi, startWorker, within } from '../helpers/redis.js';

// real time: a real redis-server; a few short sleeps let a waiter reach the server (its pub/sub and leases
// run on the server's clock), so these tests cannot run on a VirtualClock. No assertion is about how long.

requireRedisInCi();

describe('RedisQueue', { skip: redisSkip }, () => {
  const server = new RedisServer();
  let redis: RedisConnection;
  let n = 0;
  const key = () => `q${++n}`;
  before(async () => {
    await server.start();
    redis = await connectRedis(server.url);
  });
  after(async () => {
    await redis?.close();
    await server.stop();
  });

  test('bad arguments throw at the call, naming them', () => {
    assert.throws(() => new RedisQueue(redis, ''), /key must not be empty/);
    assert.throws(
      () => new RedisQueue(redis, 'k', { maxsize: -1 }),
      (e) => e instanceof RangeError && /options.maxsize/.test(e.message),
    );
    assert.throws(() => new RedisQueue(redis, 'k', { visibilityMs: Number.NaN }), /options.visibilityMs/);
    const q = new RedisQueue<unknown>(redis, key());
    assert.throws(
      () => q.put(undefined),
      (e) => e instanceof TypeError && /RedisQueue.put: item/.test(e.message),
    );
    assert.throws(
      () => q.taskDone(),
      (e) => e instanceof RangeError && /holds no item/.test(e.message),
    );
  });

  test('FIFO, join waits for taskDone, shutdown ends for await', async () => {
    const q: QueueLike<{ n: number }> = new RedisQueue<{ n: number }>(redis, key());
    for (let i = 0; i < 5; i++) await q.put({ n: i });
    assert.equal(await q.qsize(), 5);
    const seen: number[] = [];
    let joined = false;
    await run(async () => {
      const joiner = createTask(async () => {
        await q.join();
        joined = true;
      });
      await sleep(30);
      assert.equal(joined, false);
      const consumer = createTask(async () => {
        for await (const item of q) {
          seen.push(item.n);
          await sleep(1);
          q.taskDone();
        }
      });
      await within(Promise.resolve(joiner), 10_000, 'join');
      assert.equal(joined, true);
      await q.shutdown();
      await within(Promise.resolve(consumer), 10_000, 'consumer ends');
    });
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
    await assert.rejects(q.put({ n: 9 }), QueueShutDown);
  });

  test('taskDone acknowledges what the calling task got', async () => {
    const q = new RedisQueue<string>(redis, key());
    await q.put('a');
    await q.put('b');
    await run(async () => {
      await taskGroup(async (tg) => {
        tg.createTask(async () => {
          assert.equal(await q.get(), 'a');
          await sleep(30);
          await q.taskDone();
          assert.throws(() => q.taskDone(), RangeError);
        });
        tg.createTask(async () => {
          await sleep(10);
          assert.equal(await q.get(), 'b');
          await q.taskDone();
        });
      });
    });
    await within(q.join(), 5000, 'join');
  });

  test('maxsize, putNowait/getNowait, shutdown(true) drops and unblocks join', async () => {
    const q = new RedisQueue<number>(redis, key(), { maxsize: 2 });
    await q.putNowait(1);
    await q.put(2);
    await assert.rejects(q.putNowait(3), QueueFull);
    const blocked = q.put(3);
    await sleep(30);
    assert.equal(await q.getNowait(), 1);
    await within(blocked, 5000, 'put after a get');
    await q.taskDone();
    assert.equal(await q.qsize(), 2);
    const joined = q.join();
    await q.shutdown(true);
    await within(joined, 5000, 'join after shutdown(true)');
    await assert.rejects(q.get(), QueueShutDown);
    const empty = new RedisQueue<number>(redis, key());
    await assert.rejects(empty.getNowait(), QueueEmpty);
  });

  test('a pluggable codec; an item that cannot be decoded fails that get only', async () => {
    const dates = new RedisQueue<Date>(redis, key(), {
      codec: { encode: (d) => String(d.getTime()), decode: (t) => new Date(Number(t)) },
    });
    await dates.put(new Date(5));
    const got = await dates.get();
    assert.ok(got instanceof Date && got.getTime() === 5);
    await dates.taskDone();
    const k = key();
    const raw = new RedisQueue<string>(redis, k, { codec: { encode: (s) => s, decode: (s) => s } });
    await raw.put('bad');
    await raw.put('7');
    const strict = new RedisQueue<number>(redis, k, {
      codec: {
        encode: String,
        decode: (t) => {
          if (t === 'bad') throw new Error('not a number');
          return Number(t);
        },
      },
    });
    await assert.rejects(
      strict.get(),
      (e) => e instanceof TypeError && /could not be decoded/.test(e.message),
    );
    assert.equal(await strict.get(), 7);
    await strict.taskDone();
    await within(strict.join(), 5000, 'join: the bad item was acknowledged');
  });

  test('a cancelled get consumes nothing', async () => {
    const q = new RedisQueue<string>(redis, key());
    const aborted = new AbortController();
    const waiting = q.get({ signal: aborted.signal });
    await sleep(30);
    const reason = new Error('gave up');
    aborted.abort(reason);
    await assert.rejects(waiting, (err: unknown) => err === reason); // the signal's reason itself, not a wrap
    await q.put('x');
    assert.equal(await within(q.get(), 5000, 'get'), 'x');
    await q.taskDone();
  });

  test('a redis restart while a get waits: the get resumes and takes an item put after the restart', async () => {
    const q = new RedisQueue<string>(redis, key());
    const waiting = q.get();
    await sleep(50);
    await server.restart();
    const producer = await connectRedis(server.url);
    try {
      await new RedisQueue<string>(producer, q.key).put('after');
      assert.equal(await within(waiting, 15_000, 'get across a restart'), 'after');
      await q.taskDone();
    } finally {
      await producer.close();
    }
  });

  test('a consumer SIGKILLed mid-item: the item is delivered again after visibilityMs', async () => {
    const k = key();
    const q = new RedisQueue<string>(redis, k, { visibilityMs: 1000 });
    await q.put('job-1');
    const consumer = startWorker([server.url, 'consume', k, '1000']);
    assert.equal(await within(consumer.line('got '), 20_000, 'consumer'), 'got job-1');
    // The live consumer renews its delivery: not redelivered past visibilityMs.
    await assert.rejects(q.get({ signal: AbortSignal.timeout(2000) }), { name: 'TimeoutError' });
    consumer.child.kill('SIGKILL');
    await consumer.exited;
    assert.equal(await within(q.get(), 10_000, 'redelivery'), 'job-1');
    await q.taskDone();
    await within(q.join(), 5000, 'join');
  });
});
