import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lock, Permit, Semaphore } from 'asyncio-ts';

test('release() gives back once; later calls and dispose do nothing', async () => {
  const sem = new Semaphore(1);
  const permit = await sem.acquire();
  assert.equal(permit.released, false);
  permit.release();
  assert.equal(permit.released, true);
  assert.equal(sem.value, 1);
  permit.release();
  permit[Symbol.dispose]();
  assert.equal(sem.value, 1, 'a spent permit must not create permits');
});

test('using releases at the end of the block, also when it throws', async () => {
  const lock = new Lock();
  const attempt = async () => {
    using _permit = await lock.acquire();
    assert.equal(lock.locked(), true);
    throw new Error('inside');
  };
  await assert.rejects(attempt(), /inside/);
  assert.equal(lock.locked(), false);
});

test('using with tryAcquire skips undefined', () => {
  const lock = new Lock();
  const outer = lock.tryAcquire();
  {
    using inner = lock.tryAcquire();
    assert.equal(inner, undefined);
  }
  assert.equal(lock.locked(), true);
  outer?.release();
  assert.equal(lock.locked(), false);
});

test('Permit is a Disposable class', async () => {
  const permit = await new Semaphore(1).acquire();
  assert.ok(permit instanceof Permit);
  assert.equal(typeof permit[Symbol.dispose], 'function');
});
