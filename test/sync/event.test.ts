import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { CancelledError, checkpoint, createTask, Event, run } from 'asyncio-ts';
import { checkSignalEndings } from '../helpers/signal-endings.js';

test('test_wait: set() wakes every waiter; a waiter that arrives later passes at once', async () => {
  await run(async () => {
    const ev = new Event();
    assert.equal(ev.isSet(), false);
    const result: number[] = [];
    const c = (n: number) => async () => {
      if (await ev.wait()) result.push(n);
    };
    const t1 = createTask(c(1));
    const t2 = createTask(c(2));
    await checkpoint();
    assert.deepEqual(result, []);
    const t3 = createTask(c(3));
    ev.set();
    await checkpoint();
    // t3 started after set(): it passed without waiting, ahead of the woken ones (as in asyncio).
    assert.deepEqual(result, [3, 1, 2]);
    assert.ok(t1.done() && t2.done() && t3.done());
  });
});

test('test_wait_on_set: wait() on a set event resolves true without a macrotask', async () => {
  const ev = new Event();
  ev.set();
  let immediateRan = false;
  setImmediate(() => {
    immediateRan = true;
  });
  assert.equal(await ev.wait(), true);
  assert.equal(immediateRan, false);
});

test('test_wait_cancel: a cancelled waiter leaves', async () => {
  await run(async () => {
    const ev = new Event();
    const waiter = createTask(() => ev.wait());
    await checkpoint();
    waiter.cancel();
    await assert.rejects(Promise.resolve(waiter), CancelledError);
    assert.equal(ev.statistics().waiters, 0);
  });
});

test('test_clear', () => {
  const ev = new Event();
  ev.set();
  assert.equal(ev.isSet(), true);
  ev.clear();
  assert.equal(ev.isSet(), false);
});

test('test_clear_with_waiters: set() then clear() in one turn still wakes the waiter', async () => {
  await run(async () => {
    const ev = new Event();
    const result: number[] = [];
    const t = createTask(async () => {
      if (await ev.wait()) result.push(1);
      return true;
    });
    await checkpoint();
    ev.set();
    ev.clear();
    assert.equal(ev.isSet(), false);
    ev.set();
    ev.set();
    assert.equal(ev.statistics().waiters, 0);
    await checkpoint();
    assert.deepEqual(result, [1]);
    assert.equal(await t, true);
  });
});

test('a waiter cancelled in the turn of set() rejects with CancelledError', async () => {
  await run(async () => {
    const ev = new Event();
    const a = createTask(() => ev.wait());
    const b = createTask(() => ev.wait());
    await checkpoint();
    ev.set();
    a.cancel();
    await assert.rejects(Promise.resolve(a), CancelledError);
    assert.equal(await b, true);
  });
});

test('wait accepts { signal }', async () => {
  const ev = new Event();
  await assert.rejects(ev.wait({ signal: AbortSignal.abort(new Error('pre')) }), /pre/);
  const controller = new AbortController();
  const w = ev.wait({ signal: controller.signal });
  controller.abort(new Error('later'));
  await assert.rejects(w, /later/);
  assert.equal(ev.statistics().waiters, 0);
  assert.throws(() => ev.wait(3 as never), /Event\.wait: options must be an object/);
});

test('statistics, inspect and label', async () => {
  await run(async () => {
    const ev = new Event();
    const t = createTask(() => ev.wait());
    await checkpoint();
    assert.deepEqual(ev.statistics(), { isSet: false, waiters: 1 });
    assert.equal(inspect(ev), '<Event set=false waiters=1>');
    assert.equal(t.waiterHead?.label, 'Event.wait');
    ev.set();
    await t;
    assert.equal(inspect(ev), '<Event set=true waiters=0>');
  });
});

test('{ signal }: wait lets go of the signal however it ends', async () => {
  await checkSignalEndings(() => {
    const ev = new Event();
    return { wait: (signal) => ev.wait({ signal }), release: () => ev.set() };
  });
});
