import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { CancelledError, checkpoint, createTask, now, RateLimiter, run, type Task } from 'asyncio-ts';
import { storage } from '../../src/core/context.js';
import { assertNoTimers } from '../helpers/leaks.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { checkSignalEndings } from '../helpers/signal-endings.js';

/** Starts `n` tasks that each acquire once and record the clock time they got through. */
function acquirers(limiter: RateLimiter, n: number, log: Array<[number, number]>): Task<void>[] {
  return Array.from({ length: n }, (_, i) =>
    createTask(async () => {
      await limiter.acquire();
      log.push([i, now()]);
    }),
  );
}

test('constructor validates rate and perMs, naming them', () => {
  assert.throws(() => new RateLimiter(0, 1000), /RateLimiter: rate must be an integer >= 1, received 0/);
  assert.throws(() => new RateLimiter(1.5, 1000), RangeError);
  assert.throws(() => new RateLimiter('5' as never, 1000), TypeError);
  assert.throws(() => new RateLimiter(5, 0), /RateLimiter: perMs must be a finite number > 0, received 0/);
  assert.throws(() => new RateLimiter(5, -1), RangeError);
  assert.throws(() => new RateLimiter(5, Number.POSITIVE_INFINITY), RangeError);
  assert.throws(() => new RateLimiter(5, Number.NaN), RangeError);
  assert.throws(() => new RateLimiter(5, '1000' as never), TypeError);
});

test('a burst of `rate` passes at once without a macrotask; then acquisitions are spaced perMs/rate', async () => {
  const clock = new ManualClock();
  await run(
    async () => {
      const limiter = new RateLimiter(3, 300);
      let immediateRan = false;
      setImmediate(() => {
        immediateRan = true;
      });
      await limiter.acquire();
      await limiter.acquire();
      await limiter.acquire();
      assert.equal(immediateRan, false, 'the burst must not wait for the event loop');
      const t0 = clock.time;
      const log: Array<[number, number]> = [];
      const tasks = acquirers(limiter, 4, log);
      await checkpoint();
      assert.equal(log.length, 0);
      assert.equal(limiter.statistics().waiters, 4);
      clock.advance(99);
      await checkpoint();
      assert.equal(log.length, 0, 'not before the interval');
      clock.advance(1);
      await checkpoint();
      assert.deepEqual([...log], [[0, t0 + 100]]);
      clock.advance(250);
      await checkpoint();
      // At t0+350 tokens for t0+200 and t0+300 are due: waiters 1 and 2 go, in order; 3 waits for t0+400.
      assert.deepEqual(
        log.map(([i]) => i),
        [0, 1, 2],
      );
      clock.advance(50);
      await checkpoint();
      assert.deepEqual(
        log.map(([i]) => i),
        [0, 1, 2, 3],
      );
      await Promise.all(tasks);
      assert.equal(clock.entries.size, 0, 'no timer entry left once nobody waits');
    },
    { clock },
  );
});

test('the bucket refills continuously up to `rate` (never more than a burst of rate)', async () => {
  const clock = new ManualClock();
  await run(
    async () => {
      const limiter = new RateLimiter(2, 100);
      assert.equal(limiter.tryAcquire(), true);
      assert.equal(limiter.tryAcquire(), true);
      assert.equal(limiter.tryAcquire(), false);
      assert.equal(limiter.statistics().tokens, 0);
      clock.advance(50);
      assert.equal(limiter.statistics().tokens, 1);
      clock.advance(10_000);
      assert.equal(limiter.statistics().tokens, 2, 'capped at rate');
      assert.equal(limiter.tryAcquire(), true);
      assert.equal(limiter.tryAcquire(), true);
      assert.equal(limiter.tryAcquire(), false);
    },
    { clock },
  );
});

test('waiters are FIFO: a newcomer does not take a token ahead of them', async () => {
  const clock = new ManualClock();
  await run(
    async () => {
      const limiter = new RateLimiter(1, 100);
      await limiter.acquire();
      const log: Array<[number, number]> = [];
      const tasks = acquirers(limiter, 3, log);
      await checkpoint();
      clock.advance(100);
      // A token is due now, but waiters come first: tryAcquire must fail while they wait.
      assert.equal(limiter.tryAcquire(), false);
      await checkpoint();
      clock.advance(100);
      await checkpoint();
      clock.advance(100);
      await checkpoint();
      assert.deepEqual(
        log.map(([i]) => i),
        [0, 1, 2],
      );
      await Promise.all(tasks);
    },
    { clock },
  );
});

test('cancelled waiters leave at once and cost no token (p-queue #219)', async () => {
  // Ten queued acquisitions are aborted; the next caller must get the very next token, not wait for ten
  // intervals while the dead entries are ejected one by one.
  const clock = new ManualClock();
  await run(
    async () => {
      const limiter = new RateLimiter(1, 1000);
      await limiter.acquire();
      const controller = new AbortController();
      const aborted = Array.from({ length: 10 }, () => limiter.acquire({ signal: controller.signal }));
      const hello = createTask(async () => {
        await limiter.acquire();
        return now();
      });
      await checkpoint();
      assert.equal(limiter.statistics().waiters, 11);
      controller.abort(new Error('no longer needed'));
      for (const p of aborted) await assert.rejects(p, /no longer needed/);
      assert.equal(limiter.statistics().waiters, 1);
      const start = clock.time;
      clock.advance(1000);
      assert.equal(await hello, start + 1000);
    },
    { clock },
  );
});

test('a token granted to a waiter cancelled in the same turn goes to the next waiter', async () => {
  const clock = new ManualClock();
  await run(
    async () => {
      const limiter = new RateLimiter(1, 100);
      await limiter.acquire();
      const log: Array<[number, number]> = [];
      const [a, b, c] = acquirers(limiter, 3, log) as [Task<void>, Task<void>, Task<void>];
      await checkpoint();
      clock.advance(100); // the token is granted to a ...
      a.cancel(); // ... which is cancelled before it resumes: b gets it, at the same time
      await assert.rejects(Promise.resolve(a), CancelledError);
      await b;
      assert.deepEqual(log, [[1, clock.time]]);
      assert.equal(limiter.statistics().waiters, 1);
      clock.advance(100);
      await c;
      assert.equal(log.length, 2);
    },
    { clock },
  );
});

test('a token granted to the last waiter, then cancelled, goes back to the bucket', async () => {
  const clock = new ManualClock();
  await run(
    async () => {
      const limiter = new RateLimiter(1, 100);
      await limiter.acquire();
      const a = createTask(() => limiter.acquire());
      await checkpoint();
      clock.advance(100);
      a.cancel();
      await assert.rejects(Promise.resolve(a), CancelledError);
      assert.equal(limiter.tryAcquire(), true, 'the refunded token is available');
      assert.equal(limiter.tryAcquire(), false);
    },
    { clock },
  );
});

test('runExclusive waits for a token, then runs fn; fn does not run if cancelled after the grant', async () => {
  const clock = new ManualClock();
  await run(
    async () => {
      const limiter = new RateLimiter(1, 100);
      assert.equal(await limiter.runExclusive(() => 'first'), 'first');
      let ran = false;
      const t = createTask(() =>
        limiter.runExclusive(() => {
          ran = true;
        }),
      );
      await checkpoint();
      clock.advance(100); // grants the token: runExclusive checks for cancellation itself when it resumes ...
      assert.equal(t.waiterHead, undefined, '... so it is delivered at once: the task no longer waits ...');
      t.cancel(); // ... and it is cancelled before runExclusive resumes
      await assert.rejects(Promise.resolve(t), CancelledError);
      assert.equal(ran, false);
      assert.equal(limiter.tryAcquire(), true, 'the token was handed back');
      assert.throws(
        () => limiter.runExclusive(7 as never),
        /RateLimiter\.runExclusive: fn must be a function/,
      );
    },
    { clock },
  );
});

test('acquire is a checkpoint and takes { signal }', async () => {
  const limiter = new RateLimiter(1, 60_000);
  await assert.rejects(limiter.acquire({ signal: AbortSignal.abort(new Error('pre')) }), /pre/);
  assert.equal(limiter.statistics().tokens, 1, 'a rejected acquire takes no token');
  await run(async () => {
    const t = createTask(async () => {
      await checkpoint().catch(() => undefined);
      return limiter.acquire();
    });
    t.cancel();
    await assert.rejects(Promise.resolve(t), CancelledError);
  });
  assert.throws(() => limiter.acquire(1 as never), /RateLimiter\.acquire: options must be an object/);
});

test('real time: no timer is left behind when waiters are cancelled or served', async () => {
  const limiter = new RateLimiter(2, 40);
  const t0 = performance.now();
  await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire(), limiter.acquire()]);
  // The third and fourth tokens are due 20 and 40 ms after the burst. Timers never fire early by more
  // than the clock's 1 ms tolerance, so 38 ms is a safe lower bound; no upper bound (slow CI machines).
  assert.ok(performance.now() - t0 >= 38, `took ${performance.now() - t0} ms`);
  // A waiter that must wait a minute (a token of `limiter` may already be back on a slow machine), cancelled:
  // its timer goes with it.
  const slow = new RateLimiter(1, 60_000);
  await slow.acquire();
  const controller = new AbortController();
  const pending = slow.acquire({ signal: controller.signal });
  controller.abort();
  await assert.rejects(pending, { name: 'AbortError' });
  await assertNoTimers();
});

test('statistics, inspect and label', async () => {
  const clock = new ManualClock();
  await run(
    async () => {
      const limiter = new RateLimiter(2, 1000);
      assert.equal(inspect(limiter), '<RateLimiter rate=2 perMs=1000 tokens=2 waiters=0>');
      await limiter.acquire();
      await limiter.acquire();
      const t = createTask(() => limiter.acquire());
      await checkpoint();
      assert.deepEqual(limiter.statistics(), { rate: 2, perMs: 1000, tokens: 0, waiters: 1 });
      assert.equal(t.waiterHead?.label, 'RateLimiter.acquire');
      clock.advance(500);
      await t;
      assert.equal(inspect(limiter), '<RateLimiter rate=2 perMs=1000 tokens=0 waiters=0>');
    },
    { clock },
  );
});

test("the run's VirtualClock drives the limiter (autojump: an hour of throttling in milliseconds)", async () => {
  const { VirtualClock } = await import('asyncio-ts/testing');
  const clock = new VirtualClock();
  const times = await run(
    async () => {
      const limiter = new RateLimiter(2, 60_000); // 2 per minute
      const out: number[] = [];
      const tasks = Array.from({ length: 120 }, () =>
        createTask(async () => {
          await limiter.acquire();
          out.push(now());
        }),
      );
      await Promise.all(tasks);
      return out;
    },
    { clock },
  );
  assert.equal(times.length, 120);
  assert.deepEqual(times.slice(0, 4), [0, 0, 30_000, 60_000]);
  assert.equal(times.at(-1), 118 * 30_000); // 2 at once, then one every 30 s
  await assertNoTimers();
});

test('{ signal }: acquire lets go of the signal however it ends (the token comes on the virtual clock)', async () => {
  await checkSignalEndings(() => {
    const limiter = new RateLimiter(1, 120_000); // the next token comes after the 60 s timeout of the check
    assert.equal(limiter.tryAcquire(), true);
    return { wait: (signal) => limiter.acquire({ signal }), release: () => {} };
  });
});

test("a caller outside every task, inside a VirtualClock run, reads the run's clock (not the system clock)", async () => {
  const { VirtualClock } = await import('asyncio-ts/testing');
  const clock = new VirtualClock({ autojump: false });
  await run(
    async () => {
      const limiter = new RateLimiter(1, 60_000);
      const outside = <T>(fn: () => T): T => storage.exit(fn);
      assert.equal(
        outside(() => limiter.tryAcquire()),
        true,
      );
      assert.equal(
        outside(() => limiter.tryAcquire()),
        false,
      );
      clock.jump(60_000);
      assert.equal(
        outside(() => limiter.tryAcquire()),
        true,
        'the token came on the virtual clock',
      );
      // A waiting acquire outside every task is released by the virtual clock too.
      const controller = new AbortController(); // only so that a failure here cannot hang the test
      const waited = outside(() => limiter.acquire({ signal: controller.signal }));
      await clock.advance(60_000);
      assert.equal(limiter.statistics().waiters, 0, 'served at virtual time 120 000');
      controller.abort();
      await waited;
    },
    { clock },
  );
  assert.equal(clock.pendingTimers, 0);
});
