import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import {
  CancelledError,
  checkpoint,
  createTask,
  Event,
  InvalidStateError,
  Lock,
  Permit,
  sleep,
  TimeoutError,
  timeout,
} from 'asyncio-ts';
import { assertNoTimers } from '../helpers/leaks.js';
import { checkSignalEndings } from '../helpers/signal-endings.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('an uncontended acquire settles without a macrotask and returns a Permit', async () => {
  const lock = new Lock();
  let immediateRan = false;
  setImmediate(() => {
    immediateRan = true;
  });
  const permit = await lock.acquire();
  assert.equal(immediateRan, false, 'acquire must not wait for the event loop');
  assert.ok(permit instanceof Permit);
  assert.equal(lock.locked(), true);
  permit.release();
  assert.equal(lock.locked(), false);
  await assertNoTimers();
});

test('acquire, release, locked, and FIFO hand-over (asyncio test_acquire)', async () => {
  await runVirtual(async () => {
    const lock = new Lock();
    const result: number[] = [];
    await lock.acquire();
    const c = (n: number) => async () => {
      await lock.acquire();
      result.push(n);
    };
    const t1 = createTask(c(1));
    const t2 = createTask(c(2));
    await checkpoint();
    assert.deepEqual(result, []);
    lock.release();
    await checkpoint();
    assert.deepEqual(result, [1]);
    await checkpoint();
    assert.deepEqual(result, [1]);
    const t3 = createTask(c(3));
    lock.release();
    await checkpoint();
    assert.deepEqual(result, [1, 2]);
    lock.release();
    await checkpoint();
    assert.deepEqual(result, [1, 2, 3]);
    assert.ok(t1.done() && t2.done() && t3.done());
    assert.equal(lock.locked(), true);
    lock.release();
  });
});

test('release of an unlocked lock throws InvalidStateError', () => {
  const lock = new Lock();
  assert.throws(
    () => lock.release(),
    (err: unknown) => err instanceof InvalidStateError,
  );
  assert.throws(
    () => lock.release(),
    (err: unknown) => (err as InvalidStateError).code === 'ERR_INVALID_STATE',
  );
});

test('a spent Permit does nothing; using releases once', async () => {
  const lock = new Lock();
  {
    using permit = await lock.acquire();
    assert.equal(permit.released, false);
    assert.equal(lock.locked(), true);
  }
  assert.equal(lock.locked(), false);
  const permit = await lock.acquire();
  permit.release();
  assert.equal(permit.released, true);
  const other = await lock.acquire();
  permit.release(); // spent: must not release `other`'s holding
  permit[Symbol.dispose]();
  assert.equal(lock.locked(), true);
  other.release();
  assert.equal(lock.locked(), false);
});

test('a permit of an earlier holding never releases a later holder (lock.release() by hand)', async () => {
  const lock = new Lock();
  const first = await lock.acquire();
  lock.release(); // by hand: `first` is still unspent
  const second = await lock.acquire();
  first.release(); // belongs to the earlier holding
  assert.equal(lock.locked(), true);
  second.release();
  assert.equal(lock.locked(), false);
});

test('tryAcquire takes a free lock and returns undefined when held', () => {
  const lock = new Lock();
  const permit = lock.tryAcquire();
  assert.ok(permit instanceof Permit);
  assert.equal(lock.tryAcquire(), undefined);
  permit.release();
  assert.equal(lock.locked(), false);
});

test('runExclusive releases on success, on throw, on sync throw and on rejection', async () => {
  const lock = new Lock();
  assert.equal(await lock.runExclusive(async () => 42), 42);
  assert.equal(lock.locked(), false);
  assert.equal(await lock.runExclusive(() => 'sync value'), 'sync value');
  await assert.rejects(
    lock.runExclusive(() => {
      throw new Error('sync boom');
    }),
    /sync boom/,
  );
  assert.equal(lock.locked(), false);
  await assert.rejects(
    lock.runExclusive(async () => {
      throw new Error('async boom');
    }),
    /async boom/,
  );
  assert.equal(lock.locked(), false);
});

test('runExclusive serialises overlapping callers (mutual exclusion)', async () => {
  await runVirtual(async () => {
    const lock = new Lock();
    let inside = 0;
    let maxInside = 0;
    const log: string[] = [];
    const body = (name: string) => async () => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      log.push(`${name}:in`);
      await checkpoint();
      log.push(`${name}:out`);
      inside--;
    };
    await Promise.all([
      lock.runExclusive(body('a')),
      lock.runExclusive(body('b')),
      lock.runExclusive(body('c')),
    ]);
    assert.equal(maxInside, 1);
    assert.deepEqual(log, ['a:in', 'a:out', 'b:in', 'b:out', 'c:in', 'c:out']);
  });
});

test('runExclusive whose lock was released by hand does not release the next holder', async () => {
  const lock = new Lock();
  let next: Permit | undefined;
  await lock.runExclusive(async () => {
    lock.release();
    next = await lock.acquire();
  });
  assert.equal(lock.locked(), true, "runExclusive must not release the later holder's lock");
  next?.release();
  assert.equal(lock.locked(), false);
});

test('acquire is a checkpoint: rejects at once in a cancelled scope (also when free)', async () => {
  await runVirtual(async () => {
    const lock = new Lock();
    const task = createTask(async () => {
      await sleep(Number.POSITIVE_INFINITY).catch(() => undefined);
      return lock.acquire();
    });
    await checkpoint();
    task.cancel();
    await assert.rejects(Promise.resolve(task), CancelledError);
    assert.equal(lock.locked(), false, 'a cancelled acquire must not take the lock');
  });
});

test('acquire and runExclusive reject at once with an aborted signal; fn is not called', async () => {
  const lock = new Lock();
  const reason = new Error('stop');
  const signal = AbortSignal.abort(reason);
  await assert.rejects(lock.acquire({ signal }), (err: unknown) => err === reason);
  let called = false;
  await assert.rejects(
    lock.runExclusive(
      () => {
        called = true;
      },
      { signal },
    ),
    (err: unknown) => err === reason,
  );
  assert.equal(called, false);
  assert.equal(lock.locked(), false);
});

test('a waiting acquire rejects with signal.reason when its signal aborts, and leaves the queue', async () => {
  const lock = new Lock();
  const held = await lock.acquire();
  const controller = new AbortController();
  const pending = lock.acquire({ signal: controller.signal });
  assert.equal(lock.statistics().waiters, 1);
  controller.abort(new Error('gave up'));
  await assert.rejects(pending, /gave up/);
  assert.equal(lock.statistics().waiters, 0);
  held.release();
  assert.equal(lock.locked(), false);
});

test('acquire of a cancelled waiter (asyncio test_acquire_cancel) leaves no waiter', async () => {
  await runVirtual(async () => {
    const lock = new Lock();
    await lock.acquire();
    const task = createTask(() => lock.acquire());
    await checkpoint();
    task.cancel();
    await assert.rejects(Promise.resolve(task), CancelledError);
    assert.equal(lock.statistics().waiters, 0);
    lock.release();
  });
});

test('test_cancel_race: B cancelled while A releases: C gets the lock, nobody is stuck', async () => {
  // Several tasks:
  // - A acquires the lock and waits for `fa`;
  // - B is blocked in acquire();
  // - C is blocked in acquire().
  // Now, in one synchronous turn: `fa` is set (A will release when it resumes) and B is cancelled.
  // B must leave the queue at once, so that A's release goes to C, not to the dead B.
  await runVirtual(async () => {
    const lock = new Lock();
    const lockit = async (blocker?: Event) => {
      const permit = await lock.acquire();
      try {
        if (blocker !== undefined) await blocker.wait();
      } finally {
        permit.release();
      }
    };
    const fa = new Event();
    const ta = createTask(() => lockit(fa));
    await checkpoint();
    assert.equal(lock.locked(), true);
    const tb = createTask(() => lockit());
    await checkpoint();
    assert.equal(lock.statistics().waiters, 1);
    const tc = createTask(() => lockit());
    await checkpoint();
    assert.equal(lock.statistics().waiters, 2);

    fa.set();
    tb.cancel();
    assert.equal(lock.statistics().waiters, 1, 'B left the queue at once');
    await checkpoint();
    assert.equal(lock.locked(), false);
    assert.equal(ta.done(), true);
    assert.equal(tb.cancelled(), true);
    await tc;
  });
});

test('test_cancel_release_race (bpo-32734): cancel t1 and release in one turn: exactly one holder', async () => {
  // The lock is held; t1, t2, t3 wait. In one turn: t1 is cancelled, then the lock is released.
  // Exactly one of the others (t2, the next in line) may take the lock; t3 keeps waiting.
  await runVirtual(async () => {
    const lock = new Lock();
    let lockCount = 0;
    let callCount = 0;
    const lockit = async () => {
      callCount++;
      await lock.acquire();
      lockCount++;
    };
    await lock.acquire();
    const t1 = createTask(lockit);
    const t2 = createTask(lockit);
    const t3 = createTask(lockit);
    await checkpoint();
    t1.cancel();
    lock.release();
    await assert.rejects(Promise.resolve(t1), CancelledError);
    await checkpoint();
    assert.equal(lockCount, 1);
    assert.equal(callCount, 3);
    assert.ok(t1.cancelled() && t2.done() && !t3.done());
    t3.cancel();
    await checkpoint();
    assert.equal(t3.cancelled(), true);
  });
});

test('test_finished_waiter_cancelled: the grant of a waiter cancelled at release time goes to the next', async () => {
  // tb waits; tc is created (starts a microtask later); in one turn tb is cancelled and the lock released.
  // Without the fix the lock was lost: tc must end up holding it.
  await runVirtual(async () => {
    const lock = new Lock();
    await lock.acquire();
    const tb = createTask(() => lock.acquire());
    await checkpoint();
    assert.equal(lock.statistics().waiters, 1);
    const tc = createTask(() => lock.acquire());
    tb.cancel();
    lock.release();
    await checkpoint();
    assert.equal(lock.locked(), true);
    assert.equal(tb.cancelled(), true);
    (await tc).release();
  });
});

test('cancel at the moment of grant passes the lock on (release, then cancel, same turn)', async () => {
  // A holds; B and C wait. A releases: B is granted the lock, but before B can resume, B is cancelled in
  // the same synchronous turn. B must reject with CancelledError and the lock must go to C (principle 5).
  await runVirtual(async () => {
    const lock = new Lock();
    const a = await lock.acquire();
    const order: string[] = [];
    const tb = createTask(async () => {
      const p = await lock.acquire();
      order.push('b');
      p.release();
    });
    const tc = createTask(async () => {
      const p = await lock.acquire();
      order.push('c');
      p.release();
    });
    await checkpoint();
    a.release();
    tb.cancel();
    await assert.rejects(Promise.resolve(tb), CancelledError);
    await tc;
    assert.deepEqual(order, ['c']);
    assert.equal(lock.locked(), false);
  });
});

test('signal aborted at the moment of grant passes the lock on', async () => {
  const lock = new Lock();
  const a = await lock.acquire();
  const controller = new AbortController();
  const b = lock.acquire({ signal: controller.signal });
  const c = lock.acquire();
  a.release();
  controller.abort(new Error('late abort'));
  await assert.rejects(b, /late abort/);
  const permit = await c;
  assert.equal(lock.locked(), true);
  permit.release();
  assert.equal(lock.locked(), false);
});

test('a timed-out acquire leaves no waiter and no timer (timeout, async-mutex #33 shape)', async () => {
  await runVirtual(async () => {
    const lock = new Lock();
    const held = await lock.acquire();
    await assert.rejects(
      timeout(10, () => lock.acquire()),
      (err: unknown) => err instanceof TimeoutError,
    );
    assert.equal(lock.statistics().waiters, 0);
    held.release();
    // A successful acquire under a timeout leaves no timer either.
    const permit = await timeout(1000, () => lock.acquire());
    permit.release();
  });
  await assertNoTimers();
});

test('statistics and inspect show state and waiters', async () => {
  const lock = new Lock();
  assert.deepEqual(lock.statistics(), { locked: false, waiters: 0 });
  assert.equal(inspect(lock), '<Lock locked=false waiters=0>');
  const p = await lock.acquire();
  const w = lock.acquire();
  assert.equal(inspect(lock), '<Lock locked=true waiters=1>');
  assert.equal(inspect(p), '<Permit held>');
  p.release();
  assert.equal(inspect(p), '<Permit released>');
  (await w).release();
});

test('bad arguments throw TypeError naming the argument', () => {
  const lock = new Lock();
  assert.throws(
    () => lock.acquire(42 as never),
    /Lock\.acquire: options must be an object, received number 42/,
  );
  assert.throws(() => lock.acquire({ signal: 'x' as never }), /options\.signal must be an AbortSignal/);
  assert.throws(() => lock.runExclusive('nope' as never), /Lock\.runExclusive: fn must be a function/);
});

test('the task tree label of a waiting acquire is Lock.acquire', async () => {
  await runVirtual(async () => {
    const lock = new Lock();
    await lock.acquire();
    const task = createTask(() => lock.acquire());
    await checkpoint();
    const waiter = task.waiterHead;
    assert.equal(waiter?.label, 'Lock.acquire');
    task.cancel();
    await Promise.resolve(task).catch(() => undefined);
    lock.release();
  });
});

test('runExclusive waiter cancelled in the turn of the release: fn never runs, the lock goes on', async () => {
  await runVirtual(async () => {
    const lock = new Lock();
    const held = await lock.acquire();
    const ran: string[] = [];
    const tb = createTask(() => lock.runExclusive(() => ran.push('b')));
    const tc = createTask(() => lock.runExclusive(() => ran.push('c')));
    await checkpoint();
    held.release(); // the lock goes to b ...
    tb.cancel(); // ... which is cancelled before it resumes
    await assert.rejects(Promise.resolve(tb), CancelledError);
    await tc;
    assert.deepEqual(ran, ['c']);
    assert.equal(lock.locked(), false);
  });
});

test('runExclusive waiter whose signal aborts in the turn of the release: fn never runs', async () => {
  const lock = new Lock();
  const held = await lock.acquire();
  const controller = new AbortController();
  let ran = false;
  const b = lock.runExclusive(
    () => {
      ran = true;
    },
    { signal: controller.signal },
  );
  held.release();
  controller.abort(new Error('too late'));
  await assert.rejects(b, /too late/);
  assert.equal(ran, false);
  assert.equal(lock.locked(), false);
});

test('{ signal }: acquire and runExclusive let go of the signal however they end', async () => {
  for (const call of ['acquire', 'runExclusive'] as const) {
    await checkSignalEndings(() => {
      const lock = new Lock();
      const held = lock.tryAcquire()!;
      return {
        wait: (signal) =>
          call === 'acquire'
            ? lock.acquire({ signal }).then((permit) => permit.release())
            : lock.runExclusive(() => 'ran', { signal }),
        release: () => held.release(),
      };
    });
  }
});
