// One fairness test for every lock-like type (trio's test_generic_lock_fifo_fairness): three tasks loop,
// each taking the primitive five times with an await inside. The first round may come in any order;
// after that the order must repeat exactly, because every waiter is served first come, first served.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BoundedSemaphore,
  Condition,
  checkpoint,
  Lock,
  RateLimiter,
  run,
  Semaphore,
  taskGroup,
} from 'asyncio-ts';
import { assertNoTimers } from '../helpers/leaks.js';

const LOOPS = 5;

/** How each kind is taken: hold it while `body` runs. */
const LOCK_LIKES: Record<string, () => (body: () => Promise<void>) => Promise<void>> = {
  'Lock.runExclusive': () => {
    const lock = new Lock();
    return (body) => lock.runExclusive(body);
  },
  'Lock.acquire + using': () => {
    const lock = new Lock();
    return async (body) => {
      using _ = await lock.acquire();
      await body();
    };
  },
  'Semaphore(1)': () => {
    const sem = new Semaphore(1);
    return (body) => sem.runExclusive(body);
  },
  'BoundedSemaphore(1) acquire/release': () => {
    const sem = new BoundedSemaphore(1);
    return async (body) => {
      const permit = await sem.acquire();
      try {
        await body();
      } finally {
        permit.release();
      }
    };
  },
  'Condition (as a lock)': () => {
    const cond = new Condition();
    return (body) => cond.runExclusive(body);
  },
  'RateLimiter(1 per ms)': () => {
    const limiter = new RateLimiter(1, 1);
    return (body) => limiter.runExclusive(body);
  },
};

for (const [name, make] of Object.entries(LOCK_LIKES)) {
  test(`FIFO fairness: ${name}`, async () => {
    const initialOrder: number[] = [];
    const record: number[] = [];
    await run(async () => {
      const hold = make();
      const loopy = async (id: number) => {
        initialOrder.push(id);
        for (let i = 0; i < LOOPS; i++) {
          await hold(async () => {
            record.push(id);
            await checkpoint();
          });
        }
      };
      await taskGroup(async (tg) => {
        for (const id of [1, 2, 3]) tg.createTask(() => loopy(id));
      });
    });
    assert.equal(record.length, 3 * LOOPS);
    for (let i = 0; i < LOOPS; i++) {
      assert.deepEqual(record.slice(3 * i, 3 * (i + 1)), initialOrder, `round ${i}: ${record.join(',')}`);
    }
    await assertNoTimers();
  });
}
