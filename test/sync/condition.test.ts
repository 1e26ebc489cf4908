import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import {
  CancelledError,
  Condition,
  checkpoint,
  createTask,
  gather,
  InvalidStateError,
  Lock,
  sleep,
  type Task,
  TimeoutError,
  timeout,
  waitFor,
} from 'asyncio-ts';
import { assertNoTimers } from '../helpers/leaks.js';
import { checkSignalEndings } from '../helpers/signal-endings.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('test_wait: notify wakes in order; a woken waiter runs only once it has the lock back', async () => {
  await runVirtual(async () => {
    const cond = new Condition();
    const result: number[] = [];
    const c = (n: number) => async () => {
      await cond.acquire();
      if (await cond.wait()) result.push(n);
      return true;
    };
    const t1 = createTask(c(1));
    const t2 = createTask(c(2));
    const t3 = createTask(c(3));
    await checkpoint();
    assert.deepEqual(result, []);
    assert.equal(cond.locked(), false);

    await cond.acquire();
    cond.notify();
    await checkpoint();
    assert.deepEqual(result, []);
    assert.equal(cond.locked(), true);

    cond.release();
    await checkpoint();
    assert.deepEqual(result, [1]);
    assert.equal(cond.locked(), true);

    cond.notify(2);
    await checkpoint();
    assert.deepEqual(result, [1]);
    assert.equal(cond.locked(), true);

    cond.release();
    await checkpoint();
    assert.deepEqual(result, [1, 2]);
    assert.equal(cond.locked(), true);

    cond.release();
    await checkpoint();
    assert.deepEqual(result, [1, 2, 3]);
    assert.equal(cond.locked(), true);
    assert.deepEqual(await gather(t1, t2, t3), [true, true, true]);
  });
});

test('test_wait_cancel: a cancelled wait() rejects holding the lock, and leaves no waiter', async () => {
  await runVirtual(async () => {
    const cond = new Condition();
    const task = createTask(async () => {
      await cond.acquire();
      try {
        await cond.wait();
      } finally {
        assert.equal(cond.locked(), true, 'wait() must hold the lock when it throws');
      }
    });
    await checkpoint();
    task.cancel();
    await assert.rejects(Promise.resolve(task), CancelledError);
    assert.equal(cond.statistics().waiters, 0);
    assert.equal(cond.locked(), true);
  });
});

test('test_wait_cancel_contested: notified, then cancelled while the lock is contested: ends holding it', async () => {
  // The waiter is notified while the main task holds the lock; it is cancelled before it can take the lock
  // back, and then the lock is released. Whatever the outcome, the waiter must hold the lock at the end.
  await runVirtual(async () => {
    const cond = new Condition();
    await cond.acquire();
    assert.equal(cond.locked(), true);
    const waitTask = createTask(() => cond.wait());
    await checkpoint();
    assert.equal(cond.locked(), false);

    await cond.acquire();
    assert.equal(cond.locked(), true);
    cond.notify();
    await checkpoint(); // the waiter resumes and queues for the lock
    waitTask.cancel();
    cond.release();
    await Promise.resolve(waitTask).catch((err) => assert.ok(err instanceof CancelledError));
    assert.equal(cond.locked(), true);
  });
});

test('test_wait_cancel_after_notify (bpo-32841): cancelled while re-acquiring: ends cancelled', async () => {
  await runVirtual(async () => {
    let waited = false;
    const cond = new Condition();
    const waiter = createTask(async () => {
      using _ = await cond.acquire();
      waited = true;
      await cond.wait();
    });
    await checkpoint(); // start waiting
    await cond.acquire();
    cond.notify();
    await checkpoint(); // the waiter gets to the re-acquire
    waiter.cancel();
    await checkpoint(); // the cancellation arrives (the re-acquire is shielded)
    cond.release();
    await checkpoint(); // the waiter takes the lock, then reports the cancellation
    assert.equal(waiter.cancelled(), true);
    assert.equal(waited, true);
    assert.equal(cond.locked(), false, "the waiter's permit released the lock on the way out");
  });
});

test('test_wait_unacquired and test_notify_unacquired: without the lock they throw InvalidStateError', async () => {
  const cond = new Condition();
  await assert.rejects(cond.wait(), (err: unknown) => err instanceof InvalidStateError);
  assert.throws(() => cond.notify(), InvalidStateError);
  assert.throws(() => cond.notifyAll(), InvalidStateError);
});

test('test_wait_for: the predicate is re-checked after each wake-up', async () => {
  await runVirtual(async () => {
    const cond = new Condition();
    let presult = false;
    const result: number[] = [];
    const t = createTask(async () => {
      await cond.acquire();
      if (await cond.waitFor(() => presult)) {
        result.push(1);
        cond.release();
      }
      return true;
    });
    await checkpoint();
    assert.deepEqual(result, []);
    await cond.acquire();
    cond.notify();
    cond.release();
    await checkpoint();
    assert.deepEqual(result, []);
    presult = true;
    await cond.acquire();
    cond.notify();
    cond.release();
    await checkpoint();
    assert.deepEqual(result, [1]);
    assert.equal(await t, true);
  });
});

test('test_wait_for_unacquired: a true predicate returns at once; a false one needs the lock', async () => {
  const cond = new Condition();
  assert.deepEqual(await cond.waitFor(() => [1, 2, 3]), [1, 2, 3]);
  await assert.rejects(
    cond.waitFor(() => false),
    InvalidStateError,
  );
  assert.throws(() => cond.waitFor('x' as never), /Condition\.waitFor: predicate must be a function/);
  // Thrown at the call, not as a rejection (issue 11), even when the lock is not held.
  assert.throws(() => cond.waitFor(() => true, null as never), {
    name: 'TypeError',
    message: /Condition\.waitFor: options must be an object, received null/,
  });
  assert.throws(() => cond.waitFor(() => true, { signal: 'x' as never }), {
    name: 'TypeError',
    message: /Condition\.waitFor: options\.signal must be an AbortSignal/,
  });
  assert.throws(() => cond.notify(null as never), { name: 'TypeError', message: /n must be an integer/ });
  assert.throws(() => cond.notify(-1), { name: 'RangeError', message: /n must be an integer >= 0/ });
});

test('test_notify: notify(1) wakes one; notify(2048) wakes the rest', async () => {
  await runVirtual(async () => {
    const cond = new Condition();
    const result: number[] = [];
    const c = (n: number) => async () => {
      await cond.acquire();
      if (await cond.wait()) {
        result.push(n);
        cond.release();
      }
      return true;
    };
    const tasks = [createTask(c(1)), createTask(c(2)), createTask(c(3))];
    await checkpoint();
    assert.deepEqual(result, []);
    await cond.acquire();
    cond.notify(1);
    cond.release();
    await checkpoint();
    assert.deepEqual(result, [1]);
    await cond.acquire();
    cond.notify(1);
    cond.notify(2048);
    cond.release();
    await checkpoint();
    assert.deepEqual(result, [1, 2, 3]);
    await gather(...tasks);
  });
});

test('test_notify_all', async () => {
  await runVirtual(async () => {
    const cond = new Condition();
    const result: number[] = [];
    const c = (n: number) => async () => {
      await cond.acquire();
      if (await cond.wait()) {
        result.push(n);
        cond.release();
      }
    };
    const tasks = [createTask(c(1)), createTask(c(2))];
    await checkpoint();
    await cond.acquire();
    cond.notifyAll();
    cond.release();
    await checkpoint();
    assert.deepEqual(result, [1, 2]);
    await gather(...tasks);
  });
});

test('notify(n) validates n', async () => {
  const cond = new Condition();
  await cond.acquire();
  assert.throws(() => cond.notify(-1), /Condition\.notify: n must be an integer >= 0, received -1/);
  assert.throws(() => cond.notify('1' as never), TypeError);
  cond.notify(0);
  cond.release();
});

test('test_explicit_lock: a Condition shares the given Lock', async () => {
  const check = async (lock?: Lock, given?: Condition) => {
    const l = lock ?? new Lock();
    const cond = given ?? new Condition(l);
    assert.equal(l.locked(), false);
    assert.equal(cond.locked(), false);
    await cond.runExclusive(() => {
      assert.equal(l.locked(), true);
      assert.equal(cond.locked(), true);
    });
    assert.equal(l.locked(), false);
    await l.runExclusive(() => {
      assert.equal(cond.locked(), true);
    });
    assert.equal(cond.locked(), false);
  };
  await check();
  await check(new Lock());
  const lock = new Lock();
  await check(lock, new Condition(lock));
  assert.throws(
    () => new Condition({} as never),
    /Condition: lock must be a Lock, received an instance of Object/,
  );
});

test('test_timeout_in_block: a timed-out wait raises TimeoutError holding the lock', async () => {
  await runVirtual(async () => {
    const cond = new Condition();
    await cond.runExclusive(async () => {
      await assert.rejects(
        waitFor(() => cond.wait(), 20),
        (err: unknown) => err instanceof TimeoutError,
      );
      assert.equal(cond.locked(), true);
    });
    assert.equal(cond.locked(), false);
  });
  await assertNoTimers();
});

test('a wait() with an aborted signal takes the lock back and rejects with the reason', async () => {
  const cond = new Condition();
  const permit = await cond.acquire();
  const controller = new AbortController();
  const w = cond.wait({ signal: controller.signal });
  assert.equal(cond.locked(), false);
  controller.abort(new Error('stop waiting'));
  await assert.rejects(w, /stop waiting/);
  assert.equal(cond.locked(), true);
  permit.release(); // the caller's permit is still valid after wait()
  assert.equal(cond.locked(), false);
});

test('test_cancelled_error_wakeup: the CancelledError from the wake-up wait is re-raised unmodified', async () => {
  await runVirtual(async () => {
    const cond = new Condition();
    let raised: unknown;
    const task = createTask(async () => {
      using _ = await cond.acquire();
      try {
        await cond.waitFor(() => false);
      } catch (err) {
        raised = err;
        throw err;
      }
    });
    await checkpoint();
    task.cancel('foo');
    await assert.rejects(Promise.resolve(task), (err: unknown) => {
      assert.ok(err instanceof CancelledError);
      assert.equal(err.reason, 'foo');
      assert.equal(err, raised, 'the same error instance');
      return true;
    });
    assert.equal(cond.locked(), false);
  });
});

test('test_cancelled_error_re_aquire: cancelled while re-acquiring: the same CancelledError', async () => {
  await runVirtual(async () => {
    const cond = new Condition();
    let wake = false;
    let raised: unknown;
    const task = createTask(async () => {
      using _ = await cond.acquire();
      try {
        await cond.waitFor(() => wake);
      } catch (err) {
        raised = err;
        throw err;
      }
    });
    await checkpoint();
    await cond.acquire();
    wake = true;
    cond.notify();
    await checkpoint(); // the task now waits to re-acquire the lock
    task.cancel('foo');
    cond.release();
    await assert.rejects(Promise.resolve(task), (err: unknown) => {
      assert.ok(err instanceof CancelledError);
      assert.equal(err.reason, 'foo');
      assert.equal(err, raised);
      return true;
    });
  });
});

/** Two consumers of a counter; helper for the lost-wake-up tests below. */
function consumers(cond: Condition, state: { value: number }): Task<void>[] {
  const consumer = async () => {
    using _ = await cond.acquire();
    for (;;) {
      await cond.waitFor(() => state.value !== 0);
      if (state.value < 0) return;
      state.value--;
    }
  };
  return [createTask(consumer), createTask(consumer)];
}

test('test_cancelled_wakeup: cancel at the moment of notify passes the wake-up on (no lost wake-up)', async () => {
  // Two consumers wait. One item is produced and one consumer notified; in the same turn that consumer is
  // cancelled. The other consumer must get the wake-up and consume the item.
  await runVirtual(async () => {
    const cond = new Condition();
    const state = { value: 0 };
    const c = consumers(cond, state);
    await checkpoint();
    await cond.runExclusive(async () => {
      state.value++;
      cond.notify(1);
      c[0]?.cancel();
      try {
        await timeout(50, () => cond.waitFor(() => state.value === 0));
      } catch (err) {
        if (!(err instanceof TimeoutError)) throw err;
      }
      assert.equal(state.value, 0, 'the item was consumed: the wake-up was not lost');
      state.value = -1;
      cond.notifyAll();
    });
    await c[1];
    await assert.rejects(Promise.resolve(c[0] as Task<void>), CancelledError);
  });
  await assertNoTimers();
});

test('test_cancelled_wakeup_relock: cancelled while re-acquiring after notify passes the wake-up on', async () => {
  // As above, but the notified consumer is cancelled only after it has resumed and queued for the lock.
  await runVirtual(async () => {
    const cond = new Condition();
    const state = { value: 0 };
    const c = consumers(cond, state);
    await checkpoint();
    await cond.runExclusive(async () => {
      state.value++;
      cond.notify(1);
      await sleep(0); // the notified consumer wakes and waits for the lock
      c[0]?.cancel();
      try {
        await timeout(50, () => cond.waitFor(() => state.value === 0));
      } catch (err) {
        if (!(err instanceof TimeoutError)) throw err;
      }
      assert.equal(state.value, 0, 'the item was consumed: the wake-up was not lost');
      state.value = -1;
      cond.notifyAll();
    });
    await c[1];
    await assert.rejects(Promise.resolve(c[0] as Task<void>), CancelledError);
  });
  await assertNoTimers();
});

test('runExclusive and using keep working across wait() (the holding keeps its number)', async () => {
  await runVirtual(async () => {
    const cond = new Condition();
    let ready = false;
    const consumer = createTask(() =>
      cond.runExclusive(async () => {
        await cond.waitFor(() => ready);
        return 'consumed';
      }),
    );
    await checkpoint();
    await cond.runExclusive(() => {
      ready = true;
      cond.notify();
    });
    assert.equal(await consumer, 'consumed');
    assert.equal(cond.locked(), false);
  });
});

test('statistics, inspect and labels', async () => {
  await runVirtual(async () => {
    const cond = new Condition();
    const t = createTask(async () => {
      await cond.acquire();
      await cond.wait();
      cond.release();
    });
    await checkpoint();
    assert.deepEqual(cond.statistics(), { locked: false, waiters: 1, lockWaiters: 0 });
    assert.equal(inspect(cond), '<Condition locked=false waiters=1>');
    assert.equal(t.waiterHead?.label, 'Condition.wait');
    await cond.runExclusive(() => cond.notify());
    await t;
  });
});

test('{ signal }: wait, waitFor and acquire let go of the signal however they end', async () => {
  for (const call of ['wait', 'waitFor', 'acquire'] as const) {
    await checkSignalEndings(() => {
      const lock = new Lock();
      const cond = new Condition(lock);
      let ready = false;
      const held = call === 'acquire' ? lock.tryAcquire() : undefined;
      return {
        wait: async (signal) => {
          if (call === 'acquire') return (await cond.acquire({ signal })).release();
          await cond.acquire();
          try {
            return call === 'wait'
              ? await cond.wait({ signal })
              : await cond.waitFor(() => ready, { signal });
          } finally {
            cond.release();
          }
        },
        release: () => {
          if (held !== undefined) return held.release();
          ready = true;
          void cond.runExclusive(() => cond.notifyAll());
        },
      };
    });
  }
});
