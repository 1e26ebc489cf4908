import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { BoundedSemaphore, checkpoint, createTask, run, Semaphore } from 'asyncio-ts';

test('test_release_not_acquired: releasing a full BoundedSemaphore throws RangeError', () => {
  const sem = new BoundedSemaphore();
  assert.throws(
    () => sem.release(),
    (err: unknown) => err instanceof RangeError && /released more often than acquired/.test(err.message),
  );
  assert.equal(sem.value, 1);
});

test('a BoundedSemaphore is a Semaphore that keeps value <= bound', async () => {
  const sem = new BoundedSemaphore(2);
  assert.ok(sem instanceof Semaphore);
  assert.equal(sem.bound, 2);
  const a = await sem.acquire();
  const b = await sem.acquire();
  a.release();
  b.release();
  assert.equal(sem.value, 2);
  assert.throws(() => sem.release(), RangeError);
  assert.equal(sem.value, 2);
});

test('a permit and a hand release together are caught as over-release', async () => {
  const sem = new BoundedSemaphore(1);
  const p = await sem.acquire();
  sem.release();
  assert.throws(() => p.release(), RangeError);
});

test('a release that hands the permit to a waiter is within the bound', async () => {
  await run(async () => {
    const sem = new BoundedSemaphore(1);
    const held = await sem.acquire();
    const waiter = createTask(() => sem.acquire());
    await checkpoint();
    held.release();
    const p = await waiter;
    assert.equal(sem.value, 0);
    p.release();
    assert.equal(sem.value, 1);
    assert.throws(() => sem.release(), RangeError);
  });
});

test('cancel at the moment of grant does not count as a release (revoke is not bounded)', async () => {
  await run(async () => {
    const sem = new BoundedSemaphore(1);
    const held = await sem.acquire();
    const waiter = createTask(() => sem.acquire());
    await checkpoint();
    held.release();
    waiter.cancel();
    await Promise.resolve(waiter).catch(() => undefined);
    assert.equal(sem.value, 1);
  });
});

test('negative or fractional bound is a RangeError naming the class; inspect names it too', () => {
  assert.throws(
    () => new BoundedSemaphore(-1),
    /BoundedSemaphore: value must be an integer >= 0, received -1/,
  );
  assert.throws(() => new BoundedSemaphore(0.5), RangeError);
  assert.equal(inspect(new BoundedSemaphore(3)), '<BoundedSemaphore value=3 waiters=0>');
});
