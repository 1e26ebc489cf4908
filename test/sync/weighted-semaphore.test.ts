import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedSemaphore, CancelledError, checkpoint, createTask, Semaphore, sleep } from 'asyncio-ts';
import fc from 'fast-check';
import { assertNoTimers, turns } from '../helpers/leaks.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('acquire({ weight }) takes that many permits at once and one Permit gives them all back', async () => {
  const sem = new Semaphore(5);
  const permit = await sem.acquire({ weight: 3 });
  assert.equal(sem.value, 2);
  permit.release();
  assert.equal(sem.value, 5);
  permit.release(); // spent: does nothing
  assert.equal(sem.value, 5);
  {
    using _heavy = await sem.acquire({ weight: 5 });
    assert.equal(sem.locked(), true);
  }
  assert.equal(sem.value, 5);
});

test('a weighted waiter keeps its place: later light callers wait behind it (FIFO, no starvation)', async () => {
  await runVirtual(async () => {
    const sem = new Semaphore(3);
    const order: string[] = [];
    const first = await sem.acquire({ weight: 2 });
    const heavy = createTask(async () => {
      using _ = await sem.acquire({ weight: 3 });
      order.push('heavy');
      await sleep(1);
    });
    await turns(1);
    // One permit is free, but the heavy caller is first in line: a light one must not barge past it.
    const light = createTask(async () => {
      using _ = await sem.acquire();
      order.push('light');
    });
    await turns(2);
    assert.deepEqual(order, []);
    assert.equal(sem.value, 0);
    first.release();
    await heavy;
    await light;
    assert.deepEqual(order, ['heavy', 'light']);
    assert.equal(sem.value, 3);
  });
});

test('a weighted waiter cancelled while collecting passes on the permits it had collected', async () => {
  await runVirtual(async () => {
    const sem = new Semaphore(4);
    const held = await sem.acquire({ weight: 3 });
    const heavy = createTask(() => sem.acquire({ weight: 4 })); // takes the free one, needs 3 more
    await turns(1);
    assert.equal(sem.value, 0);
    const light = createTask(async () => {
      using _ = await sem.acquire();
      return 'light ran';
    });
    await turns(1);
    heavy.cancel();
    await assert.rejects(heavy, CancelledError);
    // The permit the heavy caller had collected went on to the light one.
    assert.equal(await light, 'light ran');
    held.release();
    assert.equal(sem.value, 4);
    assert.equal(sem.statistics().waiters, 0);
  });
  await assertNoTimers();
});

test('a weighted grant to a caller cancelled in the same turn goes on whole (principle 5)', async () => {
  await runVirtual(async () => {
    const sem = new Semaphore(2);
    const held = await sem.acquire({ weight: 2 });
    const heavy = createTask(() => sem.acquire({ weight: 2 }));
    const next = createTask(async () => {
      using _ = await sem.acquire({ weight: 2 });
      return sem.value;
    });
    await turns(1);
    held.release(); // both permits granted to `heavy`...
    heavy.cancel(); // ...which is cancelled before it resumes
    await assert.rejects(heavy, CancelledError);
    assert.equal(await next, 0);
    assert.equal(sem.value, 2);
  });
});

test('a weighted acquire with a signal leaves the line when the signal aborts', async () => {
  const sem = new Semaphore(1);
  const held = await sem.acquire();
  const controller = new AbortController();
  const pending = sem.acquire({ weight: 1, signal: controller.signal }).then(() => 'granted');
  const heavy = sem.acquire({ weight: 2, signal: controller.signal });
  controller.abort(new Error('stop'));
  await assert.rejects(heavy, { message: 'stop' });
  await assert.rejects(pending, { message: 'stop' });
  held.release();
  assert.equal(sem.value, 1);
  assert.equal(sem.statistics().waiters, 0);
});

test('bad weights throw at the call, naming the argument', () => {
  const sem = new Semaphore(2);
  assert.throws(() => sem.acquire({ weight: 0 }), /Semaphore\.acquire: options\.weight must be/);
  assert.throws(() => sem.acquire({ weight: 1.5 }), RangeError);
  assert.throws(() => sem.acquire({ weight: '2' as never }), TypeError);
  assert.throws(
    () => new BoundedSemaphore(2).acquire({ weight: 3 }),
    /BoundedSemaphore\.acquire: options\.weight must be at most the bound 2, received 3/,
  );
});

test('property: random weighted acquires, releases and cancellations never lose or invent a permit', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 5 }),
      fc.array(
        fc.record({ weight: fc.integer({ min: 1, max: 5 }), cancelAt: fc.integer({ min: -1, max: 4 }) }),
        {
          minLength: 1,
          maxLength: 12,
        },
      ),
      async (value, jobs) => {
        await runVirtual(async () => {
          const sem = new Semaphore(value);
          let inside = 0;
          const tasks = jobs.map(({ weight, cancelAt }) => {
            const w = Math.min(weight, value);
            const task = createTask(async () => {
              using _ = await sem.acquire({ weight: w });
              inside += w;
              assert.ok(inside <= value, `${inside} permits held of ${value}`);
              await checkpoint();
              inside -= w;
            });
            return { task, cancelAt };
          });
          for (let turn = 0; turn < 5; turn++) {
            for (const { task, cancelAt } of tasks) if (cancelAt === turn) task.cancel();
            await checkpoint();
          }
          for (const { task } of tasks) await task.catch(() => undefined);
          assert.equal(sem.value, value);
          assert.equal(sem.statistics().waiters, 0);
        });
      },
    ),
    { numRuns: 200 },
  );
});
