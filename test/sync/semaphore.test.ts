import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import {
  CancelledError,
  checkpoint,
  createTask,
  gather,
  Permit,
  Semaphore,
  sleep,
  taskGroup,
  waitFor,
} from 'asyncio-ts';
import { assertNoTimers } from '../helpers/leaks.js';
import { checkSignalEndings } from '../helpers/signal-endings.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('initial value, locked() and value (asyncio test_initial_value_zero, test_semaphore_value)', () => {
  assert.equal(new Semaphore(0).locked(), true);
  assert.equal(new Semaphore().value, 1);
  assert.equal(new Semaphore(3).locked(), false);
  assert.throws(
    () => new Semaphore(-1),
    (err: unknown) => err instanceof RangeError && /value/.test(String(err)),
  );
  assert.throws(() => new Semaphore(1.5), RangeError);
  assert.throws(
    () => new Semaphore('2' as never),
    /Semaphore: value must be an integer, received string "2"/,
  );
});

test('an uncontended acquire settles without a macrotask', async () => {
  const sem = new Semaphore(2);
  let immediateRan = false;
  setImmediate(() => {
    immediateRan = true;
  });
  const a = await sem.acquire();
  const b = await sem.acquire();
  assert.equal(immediateRan, false);
  assert.ok(a instanceof Permit && b instanceof Permit);
  assert.equal(sem.value, 0);
  a.release();
  b.release();
  b.release(); // spent
  assert.equal(sem.value, 2);
  await assertNoTimers();
});

test('test_acquire: a release that hands the permit to a waiter leaves value at 0', async () => {
  await runVirtual(async () => {
    const sem = new Semaphore(3);
    const result: number[] = [];
    await sem.acquire();
    await sem.acquire();
    assert.equal(sem.locked(), false);
    const c = (n: number) => async () => {
      await sem.acquire();
      result.push(n);
    };
    const t1 = createTask(c(1));
    const t2 = createTask(c(2));
    const t3 = createTask(c(3));
    await checkpoint();
    assert.deepEqual(result, [1]);
    assert.equal(sem.locked(), true);
    assert.equal(sem.statistics().waiters, 2);
    assert.equal(sem.value, 0);
    const t4 = createTask(c(4));
    sem.release();
    sem.release();
    assert.equal(sem.value, 0);
    await checkpoint();
    assert.equal(sem.value, 0);
    assert.equal(result.length, 3);
    assert.equal(sem.statistics().waiters, 1);
    assert.ok(t1.done());
    assert.equal([t2, t3, t4].filter((t) => t.done()).length, 2);
    sem.release();
    await gather(t2, t3, t4);
  });
});

test('test_acquire_cancel: a cancelled waiter leaves the queue', async () => {
  await runVirtual(async () => {
    const sem = new Semaphore();
    await sem.acquire();
    const task = createTask(() => sem.acquire());
    await checkpoint();
    task.cancel();
    await assert.rejects(Promise.resolve(task), CancelledError);
    assert.equal(sem.statistics().waiters, 0);
  });
});

test('test_acquire_cancel_before_awoken: t1, t2 cancelled, one release: t3 gets it, t4 still waits', async () => {
  // Four tasks wait on Semaphore(0). In one turn t1 and t2 are cancelled and one permit is released.
  // The permit must go to t3 (first live waiter), not be lost on the cancelled ones.
  await runVirtual(async () => {
    const sem = new Semaphore(0);
    const tasks = [0, 1, 2, 3].map(() => createTask(() => sem.acquire()));
    await checkpoint();
    const [t1, t2, t3, t4] = tasks as [
      (typeof tasks)[0],
      (typeof tasks)[0],
      (typeof tasks)[0],
      (typeof tasks)[0],
    ];
    t1.cancel();
    t2.cancel();
    sem.release();
    await checkpoint();
    await checkpoint();
    assert.equal(t3.done(), true);
    assert.equal(t4.done(), false);
    t3.cancel();
    t4.cancel();
    await checkpoint();
    await Promise.allSettled(tasks.map((t) => Promise.resolve(t)));
  });
});

test('test_acquire_hang: cancel t1 then release: t2 gets the permit', async () => {
  await runVirtual(async () => {
    const sem = new Semaphore(0);
    const t1 = createTask(() => sem.acquire());
    const t2 = createTask(() => sem.acquire());
    await checkpoint();
    t1.cancel();
    sem.release();
    await checkpoint();
    await checkpoint();
    assert.equal(sem.locked(), true);
    assert.equal(t2.done(), true);
    await Promise.resolve(t1).catch(() => undefined);
  });
});

for (const c2Mode of ['runExclusive', 'acquire + using'] as const) {
  test(`test_acquire_no_hang (${c2Mode}): a waiter cancelled in the turn of the release never runs its body`, async () => {
    // c1 holds the semaphore, yields, leaves its \`using\` block (the release) and cancels c2 in the same
    // synchronous turn, as asyncio's \`async with\` exit does. c2 was granted the permit but has not resumed:
    // it must end cancelled without running its body, and the permit must be free again.
    await runVirtual(async () => {
      const sem = new Semaphore(1);
      let c2Ran = false;
      const t2Holder: { task?: ReturnType<typeof createTask<void>> } = {};
      const t1 = createTask(async () => {
        {
          using _ = await sem.acquire();
          await checkpoint();
        }
        t2Holder.task?.cancel();
      });
      t2Holder.task = createTask(async () => {
        if (c2Mode === 'runExclusive') {
          await sem.runExclusive(() => {
            c2Ran = true;
          });
        } else {
          using _ = await sem.acquire();
          c2Ran = true;
        }
      });
      const [r1, r2] = await gather(t1, t2Holder.task, { returnExceptions: true });
      assert.equal(r1, undefined);
      assert.ok(r2 instanceof CancelledError);
      assert.equal(c2Ran, false);
      assert.equal(sem.value, 1);
      (await waitFor(sem.acquire(), 1000)).release();
    });
    await assertNoTimers();
  });
}

test('test_release_no_waiters', async () => {
  const sem = new Semaphore();
  await sem.acquire();
  assert.equal(sem.locked(), true);
  sem.release();
  assert.equal(sem.locked(), false);
});

test('test_acquire_fifo_order: holders alternate in arrival order', async () => {
  await runVirtual(async () => {
    const sem = new Semaphore(1);
    const result: string[] = [];
    const coro = (tag: string) => async () => {
      let p = await sem.acquire();
      result.push(`${tag}_1`);
      await sleep(2);
      p.release();
      p = await sem.acquire();
      result.push(`${tag}_2`);
      await sleep(2);
      p.release();
    };
    await taskGroup(async (tg) => {
      tg.createTask(coro('c1'));
      tg.createTask(coro('c2'));
      tg.createTask(coro('c3'));
    });
    assert.deepEqual(result, ['c1_1', 'c2_1', 'c3_1', 'c1_2', 'c2_2', 'c3_2']);
  });
});

test('test_acquire_fifo_order_2: a re-acquire goes to the back of the line', async () => {
  await runVirtual(async () => {
    const sem = new Semaphore(1);
    const result: number[] = [];
    const t1 = createTask(async () => {
      await sem.acquire();
      result.push(1);
    });
    const t2 = createTask(async () => {
      const p = await sem.acquire();
      result.push(2);
      p.release();
      await sem.acquire();
      result.push(4);
    });
    const t3 = createTask(async () => {
      await sem.acquire();
      result.push(3);
    });
    await checkpoint();
    sem.release();
    sem.release();
    await gather(t1, t2, t3);
    assert.deepEqual(result, [1, 2, 3, 4]);
  });
});

test('test_acquire_fifo_order_3: a cancelled first waiter does not disturb the order', async () => {
  await runVirtual(async () => {
    const sem = new Semaphore(0);
    const result: number[] = [];
    const c = (n: number) => async () => {
      await sem.acquire();
      result.push(n);
    };
    const t1 = createTask(c(1));
    const t2 = createTask(c(2));
    const t3 = createTask(c(3));
    await checkpoint();
    t1.cancel();
    await checkpoint();
    sem.release();
    sem.release();
    await gather(t1, t2, t3, { returnExceptions: true });
    assert.deepEqual(result, [2, 3]);
  });
});

test('test_acquire_fifo_order_4: three releases wake three waiters in order; a newcomer cannot jump ahead', async () => {
  // c1 waits on Semaphore(0). c2 releases three times (one permit goes straight to c1, two to the pool),
  // then acquires one itself; c3 acquires the last. A task created by c1 after it wakes runs last.
  // asyncio asserts sem._value == 2 in between; here a release hands the permit straight to the waiter, so
  // the pool holds 2 as well, and the first waiter is granted before anyone else can take a permit.
  await runVirtual(async () => {
    const sem = new Semaphore(0);
    const result: number[] = [];
    let t4: ReturnType<typeof createTask<void>> | undefined;
    const t1 = createTask(async () => {
      assert.equal(sem.value, 0);
      await sem.acquire();
      t4 = createTask(async () => {
        result.push(4);
      });
      result.push(1);
    });
    const t2 = createTask(async () => {
      sem.release();
      sem.release();
      sem.release();
      assert.equal(sem.value, 2);
      await sem.acquire();
      result.push(2);
    });
    const t3 = createTask(async () => {
      await sem.acquire();
      assert.equal(sem.locked(), true);
      result.push(3);
    });
    await checkpoint();
    await gather(t1, t2, t3);
    await t4;
    assert.deepEqual(result.sort(), [1, 2, 3, 4]);
    assert.equal(result.indexOf(4), 3, 'the task created after the wake-up runs after the others');
    assert.equal(sem.value, 0);
  });
});

test('cancel at the moment of grant passes the permit on (no permit created or destroyed)', async () => {
  await runVirtual(async () => {
    const sem = new Semaphore(1);
    const held = await sem.acquire();
    const tb = createTask(() => sem.acquire());
    const tc = createTask(() => sem.acquire());
    await checkpoint();
    held.release(); // granted to tb ...
    tb.cancel(); // ... which is cancelled before it resumes: the permit goes to tc
    await assert.rejects(Promise.resolve(tb), CancelledError);
    const permit = await tc;
    assert.equal(sem.value, 0);
    permit.release();
    assert.equal(sem.value, 1);
  });
});

test('runExclusive holds a permit while fn runs and gives it back on every path', async () => {
  const sem = new Semaphore(2);
  let peak = 0;
  let active = 0;
  const job = async (i: number) => {
    active++;
    peak = Math.max(peak, active);
    await sleep(1);
    active--;
    if (i === 3) throw new Error('job 3 failed');
    return i;
  };
  const results = await Promise.allSettled([0, 1, 2, 3, 4, 5].map((i) => sem.runExclusive(() => job(i))));
  assert.equal(peak, 2);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
  );
  assert.equal(sem.value, 2);
  await assert.rejects(
    sem.runExclusive(() => {
      throw new TypeError('sync');
    }),
    TypeError,
  );
  assert.equal(sem.value, 2);
  await assertNoTimers();
});

test('tryAcquire: a Permit when free, undefined when not', () => {
  const sem = new Semaphore(1);
  const p = sem.tryAcquire();
  assert.ok(p instanceof Permit);
  assert.equal(sem.tryAcquire(), undefined);
  p.release();
  assert.equal(sem.value, 1);
});

test('waiting calls accept { signal }: an aborted waiter leaves at once; fn never runs', async () => {
  const sem = new Semaphore(1);
  const held = await sem.acquire();
  const controller = new AbortController();
  let ran = false;
  const a = sem.acquire({ signal: controller.signal });
  const b = sem.runExclusive(
    () => {
      ran = true;
    },
    { signal: controller.signal },
  );
  assert.equal(sem.statistics().waiters, 2);
  controller.abort(new Error('abort both'));
  await assert.rejects(a, /abort both/);
  await assert.rejects(b, /abort both/);
  assert.equal(sem.statistics().waiters, 0);
  assert.equal(ran, false);
  held.release();
  assert.equal(sem.value, 1);
});

test('statistics, inspect and labels', async () => {
  await runVirtual(async () => {
    const sem = new Semaphore(0);
    assert.equal(inspect(sem), '<Semaphore value=0 waiters=0>');
    const tasks = [1, 2, 3].map(() => createTask(() => sem.acquire()));
    await checkpoint();
    assert.equal(inspect(sem), '<Semaphore value=0 waiters=3>');
    assert.deepEqual(sem.statistics(), { value: 0, waiters: 3 });
    assert.equal(tasks[0]?.waiterHead?.label, 'Semaphore.acquire');
    for (const t of tasks) t.cancel();
    await Promise.allSettled(tasks.map((t) => Promise.resolve(t)));
    assert.deepEqual(sem.statistics(), { value: 0, waiters: 0 });
  });
});

test('bad arguments throw TypeError naming the argument', () => {
  const sem = new Semaphore();
  assert.throws(() => sem.acquire('x' as never), /Semaphore\.acquire: options must be an object/);
  assert.throws(() => sem.runExclusive(undefined as never), /Semaphore\.runExclusive: fn must be a function/);
  assert.throws(() => sem.acquire({ signal: {} as never }), /options\.signal must be an AbortSignal/);
});

test('a long, never-draining line of waiters outside run() stays FIFO (the resolver arrays compact)', async () => {
  // 3,000 callers wait at once, and every finished call adds a new one at the back, so the line never
  // drains while more than 4,000 callers pass: the arrays behind the line are compacted several times.
  const sem = new Semaphore(2);
  const order: number[] = [];
  const calls: Array<Promise<void>> = [];
  let next = 0;
  const call = (id: number): Promise<void> =>
    sem.runExclusive(async () => {
      order.push(id);
      await Promise.resolve();
      if (next < 4500) calls.push(call(next++));
    });
  while (next < 3000) calls.push(call(next++));
  for (let i = 0; i < calls.length; i++) await calls[i];
  assert.equal(order.length, 4500);
  assert.ok(
    order.every((id, i) => id === i),
    'served in call order',
  );
  assert.deepEqual(sem.statistics(), { value: 2, waiters: 0 });
});

test('{ signal }: acquire (weighted too) and runExclusive let go of the signal however they end', async () => {
  for (const call of ['acquire', 'weighted acquire', 'runExclusive'] as const) {
    await checkSignalEndings(() => {
      const sem = new Semaphore(2);
      const held = [sem.tryAcquire()!, sem.tryAcquire()!];
      return {
        wait: (signal) =>
          call === 'runExclusive'
            ? sem.runExclusive(() => 'ran', { signal })
            : sem.acquire({ signal, weight: call === 'acquire' ? 1 : 2 }).then((permit) => permit.release()),
        release: () => {
          for (const permit of held) permit.release();
        },
      };
    });
  }
});
