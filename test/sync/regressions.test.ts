// One regression test for each bug users report in the concurrency glue they use today, showing that it
// cannot happen here. Each test names the issue and reproduces its scenario with this library's API.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CancelledError,
  checkpoint,
  createTask,
  Lock,
  RateLimiter,
  run,
  Semaphore,
  sleep,
  TimeoutError,
  taskGroup,
  timeout,
  waitFor,
} from 'asyncio-ts';
import { assertNoTimers } from '../helpers/leaks.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('p-limit #25: cancelled queued jobs settle (CancelledError) instead of hanging, and never run', async () => {
  // p-limit's clearQueue() dropped queued jobs and left their promises pending forever. Here the way to
  // drop queued work is to cancel it (its task group, its task, or a shared signal): every queued call
  // settles, none of the dropped jobs starts, and the limit is free again afterwards.
  await runVirtual(async () => {
    const sem = new Semaphore(1);
    const started: number[] = [];
    const job = (i: number) => async () => {
      started.push(i);
      await sleep(Number.POSITIVE_INFINITY);
    };
    const outcomes: Array<PromiseSettledResult<unknown>> = [];
    await assert.rejects(
      taskGroup(async (tg) => {
        for (let i = 0; i < 4; i++) {
          tg.createTask(async () => {
            outcomes.push(...(await Promise.allSettled([sem.runExclusive(job(i))])));
          });
        }
        await checkpoint();
        throw new Error('stop everything'); // the "clear": cancels the running job and the queued ones
      }),
      /stop everything/,
    );
    assert.deepEqual(started, [0]);
    assert.equal(outcomes.length, 4, 'every call settled');
    assert.ok(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof CancelledError));
    assert.deepEqual(sem.statistics(), { value: 1, waiters: 0 });

    // The same with one shared signal instead of a task group.
    const controller = new AbortController();
    const holder = await sem.acquire();
    const queued = [1, 2, 3].map(() =>
      sem.runExclusive(() => started.push(99), { signal: controller.signal }),
    );
    controller.abort(new Error('queue cleared'));
    for (const p of queued) await assert.rejects(p, /queue cleared/);
    holder.release();
    assert.deepEqual(started, [0]);
    assert.deepEqual(sem.statistics(), { value: 1, waiters: 0 });
  });
  await assertNoTimers();
});

test('p-queue #241: a call queued at capacity with an already-aborted signal rejects at once', async () => {
  const sem = new Semaphore(1);
  let finishRunning!: () => void;
  const running = sem.runExclusive(
    () =>
      new Promise<void>((resolve) => {
        finishRunning = resolve;
      }),
  );
  const controller = new AbortController();
  controller.abort();
  let ran = false;
  let settled = false;
  const queued = sem.runExclusive(
    () => {
      ran = true;
    },
    { signal: controller.signal },
  );
  queued.then(
    () => {},
    () => {
      settled = true;
    },
  );
  await Promise.resolve();
  await Promise.resolve();
  assert.equal(settled, true, 'rejected within microtasks, without waiting for the running job');
  await assert.rejects(queued, (err: unknown) => (err as Error).name === 'AbortError');
  assert.equal(ran, false);
  assert.equal(sem.statistics().waiters, 0);
  finishRunning();
  await running;
  assert.deepEqual(sem.statistics(), { value: 1, waiters: 0 });
});

test('p-queue #168: aborting the running and the waiting job in the same turn does not hang the limit', async () => {
  // p-queue: one running and one waiting job, both aborted at once, left the queue stuck with a phantom
  // pending job. Here the running job sees its signal, the waiter leaves the queue, and the limit is free.
  await runVirtual(async () => {
    const sem = new Semaphore(1);
    const c1 = new AbortController();
    const c2 = new AbortController();
    const task1 = sem.runExclusive(() => sleep(Number.POSITIVE_INFINITY, undefined, { signal: c1.signal }), {
      signal: c1.signal,
    });
    const task2 = sem.runExclusive(() => sleep(Number.POSITIVE_INFINITY, undefined, { signal: c2.signal }), {
      signal: c2.signal,
    });
    await checkpoint();
    assert.deepEqual(sem.statistics(), { value: 0, waiters: 1 });
    c1.abort();
    c2.abort();
    await assert.rejects(task1, (err: unknown) => (err as Error).name === 'AbortError');
    await assert.rejects(task2, (err: unknown) => (err as Error).name === 'AbortError');
    assert.deepEqual(sem.statistics(), { value: 1, waiters: 0 });
    assert.equal(await sem.runExclusive(async () => 'third job runs'), 'third job runs');
  });
  await assertNoTimers();
});

test('p-queue #219: aborted queued jobs leave the queue at once and do not count against the limit', async () => {
  // p-queue kept aborted entries queued, so with an interval cap "Hello World" waited for ten intervals.
  // Here aborted waiters leave at once: the semaphore hands its permit, and the rate limiter its next
  // token, straight to the live caller.
  await runVirtual(async () => {
    const sem = new Semaphore(1);
    const holder = await sem.acquire();
    const controller = new AbortController();
    const aborted = Array.from({ length: 10 }, () =>
      sem.runExclusive(() => 'foo', { signal: controller.signal }),
    );
    const hello = sem.runExclusive(() => 'Hello World');
    controller.abort();
    assert.deepEqual(sem.statistics(), { value: 0, waiters: 1 });
    holder.release();
    assert.equal(await hello, 'Hello World');
    for (const p of aborted) await assert.rejects(p);
  });

  const clock = new ManualClock();
  await run(
    async () => {
      const limiter = new RateLimiter(1, 1000);
      await limiter.acquire();
      const controller = new AbortController();
      const aborted = Array.from({ length: 10 }, () =>
        limiter.runExclusive(() => 'foo', { signal: controller.signal }),
      );
      const hello = limiter.runExclusive(() => 'Hello World');
      controller.abort();
      for (const p of aborted) await assert.rejects(p);
      assert.equal(limiter.statistics().waiters, 1);
      clock.advance(1000); // one interval, not eleven
      assert.equal(await hello, 'Hello World');
    },
    { clock },
  );
});

test('async-mutex #64: one waiting acquirer can be cancelled on its own; the others keep their places', async () => {
  await runVirtual(async () => {
    const lock = new Lock();
    const holder = await lock.acquire();
    const order: string[] = [];
    const controllerB = new AbortController();
    const a = createTask(async () => {
      using _ = await lock.acquire();
      order.push('a');
    });
    const b = lock.acquire({ signal: controllerB.signal });
    const c = createTask(async () => {
      await lock.runExclusive(() => order.push('c'));
    });
    await checkpoint();
    assert.equal(lock.statistics().waiters, 3);
    controllerB.abort(new Error('only b gives up'));
    await assert.rejects(b, /only b gives up/);
    assert.equal(lock.statistics().waiters, 2);
    holder.release();
    await a;
    await c;
    assert.deepEqual(order, ['a', 'c']);
    assert.equal(lock.locked(), false);
  });
});

test('async-mutex #33: an acquire under a timeout leaves no timer behind, whether it succeeds or times out', async () => {
  await runVirtual(async () => {
    const lock = new Lock();
    const sem = new Semaphore(1);
    (await timeout(60_000, () => lock.acquire())).release();
    (await waitFor(sem.acquire(), 60_000)).release();
    await lock.runExclusive(() => timeout(60_000, () => sem.runExclusive(() => 'ok')));
    const held = await lock.acquire();
    await assert.rejects(
      timeout(5, () => lock.acquire()),
      (err: unknown) => err instanceof TimeoutError,
    );
    assert.equal(lock.statistics().waiters, 0, 'the timed-out waiter left the queue');
    held.release();
  });
  await assertNoTimers();
});
