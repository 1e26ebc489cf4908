import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CancelledError,
  cancellable,
  checkpoint,
  createTask,
  Future,
  gather,
  now,
  RateLimiter,
  run,
  sleep,
  TimeoutError,
  taskGroup,
  timeout,
  waitFor,
} from 'asyncio-ts';
import { VirtualClock, waitAllTasksBlocked } from 'asyncio-ts/testing';
import { abortListenerCount, assertNoAbortListeners, assertNoTimers } from '../helpers/leaks.js';

const HOUR = 60 * 60_000;

/** A small deterministic PRNG (mulberry32), so the scenario is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An hour of work on virtual time: 6 workers call a flaky "service" (a sleep of random length) under a
 * 20 s timeout each, retrying with exponential backoff (1 s, 2 s, 4 s… capped at 60 s), all through one
 * rate limiter (10 calls a minute), while a heartbeat ticks every 5 minutes and a watchdog gives the whole
 * batch one hour with `timeout`.
 */
async function hourOfWork(): Promise<{ events: string[]; endedAt: number; callTimes: number[] }> {
  const events: string[] = [];
  const callTimes: number[] = [];
  const random = prng(42);
  const limiter = new RateLimiter(10, 60_000);
  const log = (what: string): void => {
    events.push(`${now().toFixed(0).padStart(8)} ${what}`);
  };
  const clock = new VirtualClock();
  const endedAt = await run(
    async () => {
      const heartbeat = createTask(async () => {
        for (;;) {
          await sleep(5 * 60_000);
          log('heartbeat');
        }
      });
      try {
        await timeout(HOUR, () =>
          taskGroup(async (tg) => {
            for (let w = 0; w < 6; w++) {
              tg.createTask(async () => {
                for (let job = 0; ; job++) {
                  for (let attempt = 1; ; attempt++) {
                    const callMs = Math.round(random() * 40_000); // half of the calls exceed the timeout
                    await limiter.acquire();
                    callTimes.push(now());
                    try {
                      await waitFor(() => sleep(callMs), 20_000);
                      log(`w${w} job ${job} ok after ${attempt} attempt(s)`);
                      break;
                    } catch (err) {
                      if (!(err instanceof TimeoutError)) throw err;
                      const backoff = Math.min(60_000, 1000 * 2 ** (attempt - 1));
                      log(`w${w} job ${job} attempt ${attempt} timed out; retry in ${backoff} ms`);
                      await sleep(backoff);
                    }
                  }
                }
              });
            }
          }),
        );
      } catch (err) {
        if (!(err instanceof TimeoutError)) throw err;
        log('the hour is over');
      }
      heartbeat.cancel();
      return now();
    },
    { clock },
  );
  return { events, endedAt, callTimes };
}

test('an hour of timeouts and retries with backoff takes well under a second of CPU, the same way twice', async () => {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const first = await hourOfWork();
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const elapsed = performance.now() - started;
  const second = await hourOfWork();
  assert.equal(first.endedAt, HOUR);
  assert.ok(first.events.length > 100, `only ${first.events.length} events`);
  assert.ok(first.events.some((e) => e.includes('timed out; retry in 4000 ms')));
  // At 5, 10, … 60 min: the last one is due with the hour's deadline, scheduled after it, so it fires after.
  assert.equal(first.events.filter((e) => e.endsWith('heartbeat')).length, 12);
  assert.deepEqual(first.events.slice(-2), [
    `${String(HOUR).padStart(8)} heartbeat`,
    `${String(HOUR).padStart(8)} the hour is over`,
  ]);
  assert.deepEqual(second.events, first.events);
  // The rate limit held: a bucket of 10 refilled at one call per 6 s lets 20 calls through no faster
  // than in 60 s.
  const calls = first.callTimes;
  assert.ok(calls.length > 500 / 6, `only ${calls.length} calls`);
  for (let i = 0; i + 20 < calls.length; i++) {
    assert.ok(calls[i + 20]! - calls[i]! >= 60_000 - 1e-6, `calls ${i}..${i + 20} within a minute`);
  }
  // On the system clock this scenario takes an hour. The bound, under a second, is checked on the CPU time the
  // process spent (≈ 0.1 s here), which other processes on a shared machine do not stretch; the wall time is
  // only reported (no wall-clock speed assertions: a loaded CI box can stall any process).
  assert.ok(cpuMs < 1000, `took ${cpuMs.toFixed(0)} ms of CPU time`);
  console.log(
    `# ${first.events.length} events in one virtual hour: ${elapsed.toFixed(0)} ms real, ${cpuMs.toFixed(0)} ms CPU`,
  );
  await assertNoTimers();
});

test('advance() moves time deadline by deadline, letting woken code run at each step', async () => {
  const clock = new VirtualClock({ autojump: false, start: 1000 });
  const ticks: number[] = [];
  await run(
    async () => {
      const ticker = createTask(async () => {
        for (;;) {
          await sleep(100);
          ticks.push(now());
        }
      });
      await checkpoint(); // the ticker starts and sleeps
      await clock.advance(350);
      assert.deepEqual(ticks, [1100, 1200, 1300]);
      assert.equal(now(), 1350);
      await clock.advance(0);
      assert.deepEqual(ticks, [1100, 1200, 1300]);
      await clock.advance(50);
      assert.deepEqual(ticks, [1100, 1200, 1300, 1400]);
      ticker.cancel();
    },
    { clock },
  );
  await assertNoTimers();
});

test('advance() lets tasks created just before reach their waits first', async () => {
  const clock = new VirtualClock({ autojump: false });
  const ticks: number[] = [];
  await run(
    async () => {
      const ticker = createTask(async () => {
        for (;;) {
          await sleep(100);
          ticks.push(clock.now());
        }
      });
      await clock.advance(350); // no checkpoint before: the ticker has not started yet
      assert.deepEqual(ticks, [100, 200, 300]);
      ticker.cancel();
    },
    { clock },
  );
});

test('advance() expires timeouts; without autojump nothing moves by itself', async () => {
  const clock = new VirtualClock({ autojump: false });
  const events: string[] = [];
  await run(
    async () => {
      const slow = createTask(async () => {
        try {
          await timeout(1000, () => sleep(5000));
        } catch (err) {
          events.push(`${err instanceof TimeoutError ? 'timeout' : 'other'} at ${now()}`);
        }
      });
      // Real turns pass, virtual time does not.
      for (let i = 0; i < 20; i++) await checkpoint();
      assert.deepEqual(events, []);
      assert.equal(clock.pendingTimers, 2); // the timeout's deadline and the sleep
      assert.equal(clock.nextDeadline(), 1000);
      await clock.advance(999);
      assert.deepEqual(events, []);
      await clock.advance(1);
      await slow;
      assert.deepEqual(events, ['timeout at 1000']);
      assert.equal(clock.pendingTimers, 0);
    },
    { clock },
  );
});

test('jump() moves time at once and fires what is due, in deadline then scheduling order', async () => {
  const clock = new VirtualClock({ autojump: false });
  const order: string[] = [];
  await run(
    async () => {
      const tasks = [
        createTask(async () => order.push(`a@${await sleep(300, now() + 300)}`)),
        createTask(async () => order.push(`b@${await sleep(100, now() + 100)}`)),
        createTask(async () => order.push(`c@${await sleep(300, now() + 300)}`)),
        createTask(async () => order.push(`d@${await sleep(100, now() + 100)}`)),
      ];
      await checkpoint();
      clock.jump(1000);
      assert.equal(now(), 1000);
      await gather(...tasks);
    },
    { clock },
  );
  assert.deepEqual(order, ['b@100', 'd@100', 'a@300', 'c@300']);
});

test('autojump waits while a task awaits foreign I/O, then jumps', async () => {
  const clock = new VirtualClock();
  const order: string[] = [];
  await run(
    async () => {
      await gather(
        async () => {
          // A plain promise: real I/O the library cannot see. Real 30 ms.
          await new Promise((resolve) => setTimeout(resolve, 30));
          order.push(`foreign settled at ${now()}`);
        },
        async () => {
          await sleep(10_000);
          order.push(`sleep ended at ${now()}`);
        },
      );
    },
    { clock },
  );
  assert.deepEqual(order, ['foreign settled at 0', 'sleep ended at 10000']);
  await assertNoTimers();
});

test('autojump waits for a cancellable() foreign promise too, and for checkpoint loops', async () => {
  const clock = new VirtualClock();
  const order: string[] = [];
  await run(
    async () => {
      await gather(
        async () => {
          await cancellable(new Promise((resolve) => setTimeout(resolve, 20)));
          order.push(`cancellable settled at ${now()}`);
          for (let i = 0; i < 50; i++) await checkpoint();
          order.push(`checkpoints done at ${now()}`);
        },
        async () => {
          await sleep(500);
          order.push(`sleep ended at ${now()}`);
        },
      );
    },
    { clock },
  );
  assert.deepEqual(order, ['cancellable settled at 0', 'checkpoints done at 0', 'sleep ended at 500']);
});

test('autojump through tasks awaiting tasks, futures and cancellation', async () => {
  const clock = new VirtualClock();
  const result = await run(
    async () => {
      const future = new Future<number>();
      const producer = createTask(async () => {
        await sleep(250);
        future.setResult(now());
      });
      const sleeper = createTask(() => sleep(HOUR));
      const consumer = createTask(async () => (await future) + 1);
      const value = await consumer;
      await producer;
      sleeper.cancel();
      await assert.rejects(Promise.resolve(sleeper), CancelledError);
      return { value, at: now(), jumps: clock.statistics().autojumps };
    },
    { clock },
  );
  assert.deepEqual(result, { value: 251, at: 250, jumps: 1 });
});

test('waitAllTasksBlocked() resolves once the others wait, before autojump moves time', async () => {
  const clock = new VirtualClock();
  const events: string[] = [];
  await run(
    async () => {
      const ready = new Future<void>();
      const a = createTask(async () => {
        events.push('a waits');
        await ready;
        events.push(`a resumed at ${now()}`);
      });
      const b = createTask(async () => {
        await new Promise((resolve) => setTimeout(resolve, 10)); // foreign: holds the wait
        events.push('b sleeps');
        await sleep(1000);
        events.push(`b woke at ${now()}`);
      });
      await waitAllTasksBlocked();
      events.push(`all blocked at ${now()}`);
      ready.setResult();
      await gather(a, b);
    },
    { clock },
  );
  assert.deepEqual(events, ['a waits', 'b sleeps', 'all blocked at 0', 'a resumed at 0', 'b woke at 1000']);
  await assertNoTimers();
});

test('waitAllTasksBlocked() is a cancellable checkpoint and lets go of its signal however it ends', async () => {
  await run(async () => {
    let spins = 0;
    const spinner = createTask(async () => {
      for (;;) {
        spins++;
        await checkpoint(); // never blocked
      }
    });
    const ends = { aborted: new AbortController(), 'task cancelled': new AbortController() };
    const waiting = Object.values(ends).map(({ signal }) =>
      createTask(() => waitAllTasksBlocked({ signal })),
    );
    for (const target = spins + 20; spins < target; ) await checkpoint();
    for (const [ending, { signal }] of Object.entries(ends)) {
      assert.equal(abortListenerCount(signal), 1, `${ending}: the pending call listens`);
    }
    assert.deepEqual(
      waiting.map((task) => task.done()),
      [false, false],
      'not all blocked while the spinner spins',
    );
    ends.aborted.abort(new Error('stop'));
    waiting[1]!.cancel();
    await assert.rejects(async () => waiting[0]!, /stop/);
    await assert.rejects(async () => waiting[1]!, CancelledError);
    spinner.cancel();
    const settled = new AbortController();
    await createTask(() => waitAllTasksBlocked({ signal: settled.signal }));
    for (const [ending, { signal }] of [...Object.entries(ends), ['settled', settled] as const]) {
      assertNoAbortListeners(signal, ending);
    }
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await assert.rejects(waitAllTasksBlocked({ signal: controller.signal }), /stop/);
  });
  await assertNoTimers();
});

test('the run clock is the virtual one: now(), sleep, timeout and waitFor', async () => {
  const clock = new VirtualClock({ start: 5000 });
  const seen = await run(
    async () => {
      const t0 = now();
      await sleep(1500);
      const t1 = now();
      const late = await waitFor(() => sleep(100, 'late'), 200);
      const t2 = now();
      return [t0, t1, late, t2];
    },
    { clock },
  );
  assert.deepEqual(seen, [5000, 6500, 'late', 6600]);
  assert.equal(clock.now(), 6600);
});

test('bad arguments give TypeError/RangeError naming the argument', async () => {
  assert.throws(() => new VirtualClock({ start: Number.NaN }), /options\.start/);
  assert.throws(() => new VirtualClock({ start: Number.POSITIVE_INFINITY }), RangeError);
  assert.throws(() => new VirtualClock({ start: null as never }), {
    name: 'TypeError',
    message: /options\.start/,
  });
  assert.throws(() => new VirtualClock({ autojump: 'yes' as unknown as boolean }), /options\.autojump/);
  assert.throws(() => new VirtualClock(7 as unknown as object), TypeError);
  const clock = new VirtualClock();
  assert.throws(() => clock.advance(-1), /VirtualClock\.advance: ms/);
  assert.throws(() => clock.advance('1' as unknown as number), TypeError);
  assert.throws(() => clock.advance(Number.POSITIVE_INFINITY), RangeError);
  assert.throws(() => clock.jump(Number.POSITIVE_INFINITY), /VirtualClock\.jump: ms/);
  assert.throws(() => {
    clock.autojump = 1 as unknown as boolean;
  }, TypeError);
  assert.throws(() => waitAllTasksBlocked({ signal: 'x' as unknown as AbortSignal }), TypeError);
  assert.throws(() => waitAllTasksBlocked(5 as never), /waitAllTasksBlocked: options must be an object/);
});
