import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CancelledError,
  checkpoint,
  createTask,
  currentTask,
  InvalidStateError,
  now,
  sleep,
  TimeoutError,
  timeout,
  timeoutAt,
} from 'asyncio-ts';
import { VirtualClock } from 'asyncio-ts/testing';
import { assertNoTimers } from '../helpers/leaks.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('expiry gives TimeoutError with the CancelledError as cause', async () => {
  await runVirtual(async () => {
    await assert.rejects(
      timeout(10, () => sleep(10_000)),
      (err: unknown) => {
        assert.ok(err instanceof TimeoutError);
        assert.equal(err.code, 'ERR_TIMEOUT');
        assert.ok(err.cause instanceof CancelledError);
        return true;
      },
    );
  });
  await assertNoTimers();
});

test('a timeout that does not fire returns the value and leaves no timer', async () => {
  await runVirtual(async () => {
    assert.equal(await timeout(10_000, () => sleep(1, 'fast')), 'fast');
    assert.equal(await timeout(null, () => sleep(1, 'no deadline')), 'no deadline');
  });
  await assertNoTimers();
});

test('if fn swallows the expiry and returns, its value is returned', async () => {
  await runVirtual(async () => {
    const value = await timeout(5, async (scope) => {
      try {
        await sleep(10_000);
      } catch {
        assert.equal(scope.expired(), true);
      }
      return 'returned anyway';
    });
    assert.equal(value, 'returned anyway');
  });
});

test('cancellation from outside inside a timeout stays a CancelledError', async () => {
  await runVirtual(async () => {
    const task = createTask(() => timeout(10_000, () => sleep(10_000)));
    await checkpoint();
    task.cancel();
    await assert.rejects(
      async () => task,
      (err: unknown) => err instanceof CancelledError,
    );
    assert.equal(task.cancelled(), true);
  });
});

test('nested timeouts: the inner expiry is the inner scope’s TimeoutError, the outer goes on', async () => {
  await runVirtual(async () => {
    const events: string[] = [];
    const value = await timeout(10_000, async () => {
      try {
        await timeout(5, () => sleep(10_000));
      } catch (err) {
        events.push(err instanceof TimeoutError ? 'inner timeout' : 'other');
      }
      await sleep(1); // the outer scope is not cancelled
      return 'outer ok';
    });
    assert.equal(value, 'outer ok');
    assert.deepEqual(events, ['inner timeout']);
  });
});

test('nested timeouts: an outer expiry passes through the inner scope as CancelledError and becomes the outer TimeoutError', async () => {
  await runVirtual(async () => {
    let innerSaw: unknown;
    await assert.rejects(
      timeout(5, async () => {
        try {
          await timeout(10_000, () => sleep(10_000));
        } catch (err) {
          innerSaw = err;
          throw err;
        }
      }),
      TimeoutError,
    );
    assert.ok(innerSaw instanceof CancelledError, 'the inner scope did not claim the outer expiry');
  });
});

test('both expired by the time the error unwinds: the outermost cancelled scope claims it', async () => {
  const clock = new VirtualClock({ autojump: false });
  await runVirtual(async () => {
    let innerSaw: unknown;
    const start = now();
    await assert.rejects(
      timeoutAt(start + 5, async () => {
        try {
          await timeoutAt(start + 5, async () => {
            // Time passes both deadlines without a checkpoint in between, then one is hit.
            clock.jump(20);
            await sleep(10_000);
          });
        } catch (err) {
          innerSaw = err;
          throw err;
        }
      }),
      TimeoutError,
    );
    assert.ok(innerSaw instanceof CancelledError);
  }, clock);
});

test('reschedule extends and shortens the deadline; when() and expired() report it', async () => {
  await runVirtual(async () => {
    // Extend: a 20 ms deadline moved to 10 s lets a 60 ms sleep finish.
    const extended = await timeout(20, async (scope) => {
      const first = scope.when();
      assert.ok(first !== null);
      scope.reschedule(now() + 10_000);
      assert.ok(scope.when()! > first!);
      await sleep(60);
      return scope.expired();
    });
    assert.equal(extended, false);

    // Shorten: a 10 s deadline moved to 5 ms expires.
    await assert.rejects(
      timeout(10_000, async (scope) => {
        scope.reschedule(now() + 5);
        await sleep(10_000);
      }),
      TimeoutError,
    );

    // A deadline in the past expires at once; null removes the deadline.
    await assert.rejects(
      timeout(null, async (scope) => {
        assert.equal(scope.when(), null);
        scope.reschedule(now() - 1);
        await checkpoint();
      }),
      TimeoutError,
    );

    // Rescheduling an expired scope is an InvalidStateError.
    await timeout(1, async (scope) => {
      await sleep(10_000).catch(() => undefined);
      assert.throws(() => scope.reschedule(now() + 100), InvalidStateError);
    });
  });
  await assertNoTimers();
});

test('ms <= 0 means already expired', async () => {
  await runVirtual(async () => {
    await assert.rejects(
      timeout(0, () => checkpoint()),
      TimeoutError,
    );
    await assert.rejects(
      timeout(-5, () => sleep(1)),
      TimeoutError,
    );
  });
});

test('each concurrent branch of one task has its own scope (Promise.all of two timeouts)', async () => {
  await runVirtual(async () => {
    const results = await Promise.all([
      timeout(5, () => sleep(10_000)).then(
        () => 'a finished',
        (err: unknown) => (err instanceof TimeoutError ? 'a timed out' : 'a other'),
      ),
      timeout(10_000, () => sleep(30, 'b finished')),
    ]);
    assert.deepEqual(results, ['a timed out', 'b finished']);
    assert.equal(currentTask()?.cancelled(), false);
  });
});

test('timeout in an already-cancelled scope throws at once without running fn', async () => {
  await runVirtual(async () => {
    let ran = false;
    const task = createTask(async () => {
      try {
        await sleep(10_000);
      } catch {
        await timeout(1000, async () => {
          ran = true;
        });
      }
    });
    await checkpoint();
    task.cancel();
    await assert.rejects(async () => task, CancelledError);
    assert.equal(ran, false);
  });
});

test('scope.signal aborts on expiry', async () => {
  await runVirtual(async () => {
    let signal: AbortSignal | undefined;
    await assert.rejects(
      timeout(5, async (scope) => {
        signal = scope.signal;
        await sleep(10_000);
      }),
      TimeoutError,
    );
    assert.equal(signal?.aborted, true);
  });
});

test('bad arguments throw TypeError/RangeError naming the argument', () => {
  assert.throws(() => timeout(Number.NaN, async () => 1), {
    name: 'RangeError',
    message: /timeout: ms must not be NaN/,
  });
  assert.throws(() => timeout('5' as never, async () => 1), { name: 'TypeError', message: /timeout: ms/ });
  assert.throws(() => timeout(5, 'fn' as never), {
    name: 'TypeError',
    message: /timeout: fn must be a function/,
  });
  assert.throws(() => timeoutAt(Number.NaN, async () => 1), { name: 'RangeError', message: /deadline/ });
});

test('real time: works outside run() and outside any task', async () => {
  await assert.rejects(
    timeout(5, () => sleep(10_000)),
    TimeoutError,
  );
  assert.equal(await timeout(100, () => sleep(1, 'ok')), 'ok');
  await assertNoTimers();
});

test('2,000 (and 10,000) nested timeouts expire and unwind without overflowing the stack', async () => {
  for (const depth of [2000, 10_000]) {
    const entered: number[] = [];
    const nest = (n: number): Promise<string> => {
      entered.push(n);
      if (n === 0) return sleep(Number.POSITIVE_INFINITY, 'never');
      // The outermost deadline fires; every inner one is far away.
      return timeout(n === depth ? 20 : 1e9, () => nest(n - 1));
    };
    await runVirtual(async () => {
      await assert.rejects(nest(depth), TimeoutError);
    });
    assert.equal(entered.length, depth + 1);
  }
  await assertNoTimers();
});
