import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CancelledError,
  checkpoint,
  createTask,
  currentTask,
  Future,
  shield,
  sleep,
  TimeoutError,
  waitFor,
} from 'asyncio-ts';
import { assertNoTimers } from '../helpers/leaks.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('a function runs inside timeout(ms) in the caller’s task', async () => {
  await runVirtual(async () => {
    const caller = currentTask();
    let ranIn: unknown;
    const value = await waitFor(async () => {
      ranIn = currentTask();
      return sleep(1, 'in time');
    }, 1000);
    assert.equal(value, 'in time');
    assert.equal(ranIn, caller);
    await assert.rejects(
      waitFor(() => sleep(10_000), 5),
      TimeoutError,
    );
  });
  await assertNoTimers();
});

test('a task is cancelled at the deadline and awaited before TimeoutError is thrown', async () => {
  const events: string[] = [];
  await runVirtual(async () => {
    const task = createTask(async () => {
      try {
        await sleep(10_000);
      } finally {
        await sleep(15).catch(() => undefined);
        events.push('task cleaned up');
      }
    });
    await assert.rejects(waitFor(task, 5), (err: unknown) => {
      events.push('TimeoutError');
      return err instanceof TimeoutError && err.cause instanceof CancelledError;
    });
    assert.equal(task.cancelled(), true);
  });
  assert.deepEqual(events, ['task cleaned up', 'TimeoutError']);
});

test('a task that finishes in time gives its value; its failure is thrown', async () => {
  await runVirtual(async () => {
    assert.equal(
      await waitFor(
        createTask(() => sleep(1, 'v')),
        1000,
      ),
      'v',
    );
    const err = new Error('x');
    await assert.rejects(
      waitFor(
        createTask(async () => {
          throw err;
        }),
        1000,
      ),
      (e: unknown) => e === err,
    );
  });
  await assertNoTimers();
});

test('if the caller is cancelled, the task is cancelled and awaited too', async () => {
  await runVirtual(async () => {
    const inner = createTask(() => sleep(10_000));
    const caller = createTask(() => waitFor(inner, 10_000));
    await checkpoint();
    caller.cancel();
    await assert.rejects(async () => caller, CancelledError);
    assert.equal(inner.cancelled(), true);
  });
  await assertNoTimers();
});

test('a foreign promise is abandoned at the deadline', async () => {
  await runVirtual(async () => {
    let resolveLater: (v: string) => void = () => {};
    const foreign = new Promise<string>((resolve) => {
      resolveLater = resolve;
    });
    await assert.rejects(waitFor(foreign, 5), TimeoutError);
    resolveLater('late');
    assert.equal(await waitFor(Promise.resolve('now'), 100), 'now');
    assert.equal(await waitFor(Promise.resolve('no limit'), null), 'no limit');
  });
  await assertNoTimers();
});

test('bad arguments', () => {
  assert.throws(() => waitFor(Promise.resolve(1), Number.NaN), {
    name: 'RangeError',
    message: /waitFor: ms/,
  });
  assert.throws(() => waitFor(5 as never, 10), { name: 'TypeError', message: /waitFor: awaitable/ });
});

// On a VirtualClock this also checks that the cancelled caller, still waiting for the task it cancelled, counts
// as blocked: otherwise autojump never moves time for the task to finish, and the run hangs.
test('timed out and waiting for the cancelled task: a caller cancelled meanwhile gets CancelledError, not the late value', async () => {
  await runVirtual(async () => {
    const slow = createTask(async () => {
      try {
        await sleep(10_000);
      } finally {
        // The task winds down slowly, then returns a value anyway.
        await shield(() => sleep(60));
      }
      return 'late';
    });
    const caller = createTask(() => waitFor(slow, 10));
    await sleep(30); // waitFor has timed out and is waiting for `slow` to finish
    assert.equal(slow.done(), false);
    caller.cancel();
    await assert.rejects(async () => caller, CancelledError);
    assert.equal(caller.cancelled(), true, 'the caller’s cancellation is not lost');
    assert.equal(slow.done(), true, 'the task was awaited first');
  });
});

test('waitFor(future, 0) on an already-done Future gives its outcome', async () => {
  await runVirtual(async () => {
    const ok = new Future<number>();
    ok.setResult(5);
    assert.equal(await waitFor(ok, 0), 5);
    const failed = new Future<number>();
    failed.setException(new Error('boom'));
    await assert.rejects(waitFor(failed, 0), /boom/);
    const cancelled = new Future<number>();
    cancelled.cancel();
    await assert.rejects(waitFor(cancelled, 0), CancelledError);
  });
});
