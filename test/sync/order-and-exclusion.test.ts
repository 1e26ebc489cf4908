// Issue 11: waiters resume in the order they queued whatever kind they are (with a signal, in a task, or
// neither), and `runExclusive` keeps mutual exclusion after a hand `release()`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BoundedSemaphore,
  Condition,
  checkpoint,
  createTask,
  Event,
  Lock,
  RateLimiter,
  run,
  Semaphore,
} from 'asyncio-ts';

test('Semaphore: waiters with a signal, without, acquire and runExclusive resume in arrival order', async () => {
  for (const make of [() => new Semaphore(0), () => new BoundedSemaphore(5)]) {
    const sem = make();
    if (sem instanceof BoundedSemaphore) for (let i = 0; i < 5; i++) sem.tryAcquire();
    const order: string[] = [];
    const signal = new AbortController().signal;
    const done = [
      sem.acquire({ signal }).then(() => order.push('1 acquire+signal')),
      sem.acquire().then(() => order.push('2 acquire')),
      sem.runExclusive(() => order.push('3 runExclusive+signal'), { signal }),
      sem.runExclusive(() => order.push('4 runExclusive')),
      sem.acquire({ signal }).then(() => order.push('5 acquire+signal')),
    ];
    for (let i = 0; i < 5; i++) sem.release(); // one turn: every waiter is granted, in order
    await Promise.all(done);
    assert.deepEqual(order, [
      '1 acquire+signal',
      '2 acquire',
      '3 runExclusive+signal',
      '4 runExclusive',
      '5 acquire+signal',
    ]);
  }
});

test('RateLimiter: waiters with and without a signal get their tokens in arrival order', async () => {
  const { VirtualClock } = await import('asyncio-ts/testing');
  const clock = new VirtualClock();
  await run(
    async () => {
      const limiter = new RateLimiter(3, 1000);
      for (let i = 0; i < 3; i++) assert.equal(limiter.tryAcquire(), true);
      const order: string[] = [];
      const signal = new AbortController().signal;
      const tasks = [
        createTask(() => limiter.acquire({ signal }).then(() => order.push('1'))),
        createTask(() => limiter.runExclusive(() => order.push('2'))),
        createTask(() => limiter.acquire().then(() => order.push('3'))),
      ];
      await Promise.all(tasks);
      assert.deepEqual(order, ['1', '2', '3']);
    },
    { clock },
  );
});

test('Lock: a runExclusive granted by a hand release() ends only its own holding (issue 11)', async () => {
  await run(async () => {
    const lock = new Lock();
    const inside = new Set<string>();
    const overlaps: string[] = [];
    const gates = { a: new Event(), b: new Event(), c: new Event(), d: new Event() };
    const holder = (name: keyof typeof gates) =>
      createTask(() =>
        lock.runExclusive(async () => {
          if (name === 'd' && inside.has('c')) overlaps.push(`d entered while c was inside`);
          inside.add(name);
          await gates[name].wait();
          inside.delete(name);
        }),
      );
    const a = holder('a');
    await checkpoint();
    const [b, c, d] = [holder('b'), holder('c'), holder('d')];
    await checkpoint();
    // Two hand releases in one turn: b gets holding 2, c holding 3, before either resumes. Before the fix,
    // b read the lock's current number when it resumed (3, c's) and ended c's holding when it finished.
    lock.release();
    lock.release();
    await checkpoint();
    assert.deepEqual([...inside].sort(), ['a', 'b', 'c']);
    gates.b.set();
    await b;
    await checkpoint();
    assert.equal(inside.has('d'), false, 'b ended c holding: d got in while c runs');
    gates.c.set();
    gates.a.set();
    await Promise.all([a, c]);
    await checkpoint();
    assert.equal(inside.has('d'), true);
    gates.d.set();
    await d;
    assert.deepEqual(overlaps, []);
    assert.equal(lock.locked(), false);
  });
});

test('Lock: a cancellable runExclusive waiter, granted by a hand release, also keeps its own number', async () => {
  await run(async () => {
    const lock = new Lock();
    const signal = new AbortController().signal;
    const first = await lock.acquire();
    const inside = new Set<string>();
    const gateB = new Event();
    const gateC = new Event();
    let dSawC = false;
    const b = lock.runExclusive(
      async () => {
        inside.add('b');
        await gateB.wait();
        inside.delete('b');
      },
      { signal },
    );
    const c = lock.runExclusive(async () => {
      inside.add('c');
      await gateC.wait();
      inside.delete('c');
    });
    const d = lock.runExclusive(() => {
      dSawC = inside.has('c');
    });
    first.release(); // b: holding 2
    lock.release(); // by hand, before b resumed: c, holding 3
    await checkpoint();
    assert.deepEqual([...inside].sort(), ['b', 'c']);
    gateB.set();
    await b;
    await checkpoint();
    gateC.set();
    await Promise.all([c, d]);
    assert.equal(dSawC, false, 'b ended c holding: d ran while c was inside');
    assert.equal(lock.locked(), false);
  });
});

test('Semaphore: a hand release() adds one permit, no more, while runExclusive holders come and go', async () => {
  await run(async () => {
    const sem = new Semaphore(1);
    let inside = 0;
    let most = 0;
    const gate = new Event();
    const body = async () => {
      most = Math.max(most, ++inside);
      await gate.wait();
      inside--;
    };
    const tasks = Array.from({ length: 5 }, () => createTask(() => sem.runExclusive(body)));
    await checkpoint();
    sem.release(); // one extra permit, as asyncio: two holders at once from now on
    await checkpoint();
    assert.equal(inside, 2);
    gate.set();
    await Promise.all(tasks);
    assert.equal(most, 2);
    assert.equal(sem.value, 2);
  });
});

test('Condition: waiters with and without a signal are woken in the order they waited', async () => {
  await run(async () => {
    const cond = new Condition();
    const order: string[] = [];
    const signal = new AbortController().signal;
    const waiters = [
      createTask(() => cond.runExclusive(() => cond.wait({ signal }).then(() => order.push('1')))),
      createTask(() => cond.runExclusive(() => cond.wait().then(() => order.push('2')))),
      createTask(() => cond.runExclusive(() => cond.wait({ signal }).then(() => order.push('3')))),
    ];
    await checkpoint();
    await cond.runExclusive(() => cond.notifyAll());
    await Promise.all(waiters);
    assert.deepEqual(order, ['1', '2', '3']);
  });
});
