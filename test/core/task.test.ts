import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  allTasks,
  CancelledError,
  checkpoint,
  createTask,
  currentSignal,
  currentTask,
  InvalidStateError,
  sleep,
  type Task,
  timeout,
} from 'asyncio-ts';
import { abortListenerCount, assertNoAbortListeners, assertNoTimers } from '../helpers/leaks.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('a task starts after the creating code finishes its synchronous run, in creation order', async () => {
  const events: string[] = [];
  await runVirtual(async () => {
    const a = createTask(async () => events.push('a'));
    const b = createTask(async () => events.push('b'));
    events.push('created');
    await a;
    await b;
  });
  assert.deepEqual(events, ['created', 'a', 'b']);
});

test('cancel before start: the body never runs and the task ends cancelled', async () => {
  let ran = false;
  await runVirtual(async () => {
    const task = createTask(async () => {
      ran = true;
    });
    assert.equal(task.cancel(), true);
    await assert.rejects(async () => task, CancelledError);
    assert.equal(task.cancelled(), true);
    assert.equal(task.done(), true);
  });
  assert.equal(ran, false);
});

test('cancel during sleep runs finally and ends the task cancelled', async () => {
  const events: string[] = [];
  await runVirtual(async () => {
    const task = createTask(async () => {
      try {
        await sleep(10_000);
      } finally {
        events.push('finally');
      }
    });
    await checkpoint();
    task.cancel();
    await assert.rejects(
      async () => task,
      (err: unknown) => err instanceof CancelledError && err.code === 'ERR_CANCELLED',
    );
    assert.equal(task.cancelled(), true);
    assert.equal(task.state, 'cancelled');
  });
  assert.deepEqual(events, ['finally']);
  await assertNoTimers();
});

test('cancellation is level-triggered: every later checkpoint throws again', async () => {
  const seen: string[] = [];
  await runVirtual(async () => {
    const task = createTask(async () => {
      try {
        await sleep(10_000);
      } catch (err) {
        seen.push(`first:${(err as Error).name}`);
      }
      try {
        await checkpoint();
      } catch (err) {
        seen.push(`second:${(err as Error).name}`);
      }
      try {
        await sleep(1);
      } catch (err) {
        seen.push(`third:${(err as Error).name}`);
      }
      return 'swallowed';
    });
    await checkpoint();
    task.cancel();
    // The body swallowed every CancelledError and returned: the task has a value, not cancelled.
    assert.equal(await task, 'swallowed');
  });
  assert.deepEqual(seen, ['first:CancelledError', 'second:CancelledError', 'third:CancelledError']);
});

test('a foreign API given currentSignal() aborts and the task counts as cancelled', async () => {
  await runVirtual(async () => {
    const task = createTask(async () => {
      const signal = currentSignal();
      // A foreign API that honours AbortSignal the Node way: AbortError with the reason as cause.
      await new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          const err = new Error('The operation was aborted', { cause: signal.reason });
          err.name = 'AbortError';
          reject(err);
        });
      });
    });
    await checkpoint();
    task.cancel();
    await assert.rejects(async () => task, CancelledError);
    assert.equal(task.cancelled(), true);
  });
});

test('an AbortError not caused by a cancellation is a plain failure', async () => {
  await runVirtual(async () => {
    const err = new Error('aborted by someone else');
    err.name = 'AbortError';
    const task = createTask(async () => {
      throw err;
    });
    await assert.rejects(
      async () => task,
      (e: unknown) => e === err,
    );
    assert.equal(task.cancelled(), false);
    assert.equal(task.state, 'rejected');
  });
});

test('result(), exception(), done callbacks and states', async () => {
  await runVirtual(async () => {
    const ok = createTask(async () => 42, { name: 'ok' });
    assert.equal(ok.name, 'ok');
    assert.throws(() => ok.result(), InvalidStateError);
    assert.throws(() => ok.exception(), InvalidStateError);
    const order: string[] = [];
    const callback = (t: Task<number>) => order.push(`cb:${t.result()}`);
    ok.addDoneCallback(callback);
    ok.addDoneCallback(() => order.push('other'));
    assert.equal(await ok, 42);
    assert.equal(ok.result(), 42);
    assert.equal(ok.exception(), undefined);
    assert.deepEqual(order, ['cb:42', 'other']);

    const boom = new Error('boom');
    const bad = createTask(async () => {
      throw boom;
    });
    await assert.rejects(
      async () => bad,
      (e: unknown) => e === boom,
    );
    assert.equal(bad.exception(), boom);
    assert.throws(
      () => bad.result(),
      (e: unknown) => e === boom,
    );

    const removed = createTask(() => sleep(1));
    let called = 0;
    const cb = () => called++;
    removed.addDoneCallback(cb);
    assert.equal(removed.removeDoneCallback(cb), 1);
    await removed;
    assert.equal(called, 0);

    const cancelled = createTask(() => sleep(1000));
    cancelled.cancel('because');
    await assert.rejects(async () => cancelled, CancelledError);
    assert.throws(() => cancelled.result(), CancelledError);
    assert.throws(() => cancelled.exception(), CancelledError);
    assert.equal(cancelled.cancel(), false, 'cancel() of a done task returns false');
  });
});

test('cancelling() counts cancel requests while pending', async () => {
  await runVirtual(async () => {
    const task = createTask(() => sleep(1000));
    await checkpoint();
    assert.equal(task.cancelling(), 0);
    task.cancel();
    task.cancel();
    assert.equal(task.cancelling(), 2);
    await assert.rejects(async () => task, CancelledError);
    assert.equal(task.cancelling(), 0);
  });
});

test('cancel(reason) keeps the message and the reason', async () => {
  await runVirtual(async () => {
    const task = createTask(() => sleep(1000));
    task.cancel('shutting down');
    await assert.rejects(
      async () => task,
      (err: unknown) => {
        assert.ok(err instanceof CancelledError);
        assert.equal(err.message, 'shutting down');
        assert.equal(err.reason, 'shutting down');
        return true;
      },
    );
  });
});

test('awaiting a task is a checkpoint for the awaiter only: the awaited task keeps running', async () => {
  await runVirtual(async () => {
    const inner = createTask(() => sleep(30, 'inner done'));
    const outer = createTask(async () => {
      await inner;
    });
    await checkpoint();
    outer.cancel();
    await assert.rejects(async () => outer, CancelledError);
    assert.equal(inner.done(), false);
    assert.equal(await inner, 'inner done');
  });
});

test('task.signal and currentSignal() abort with the CancelledError, created lazily', async () => {
  await runVirtual(async () => {
    let inside: AbortSignal | undefined;
    const task = createTask(async () => {
      inside = currentSignal();
      await sleep(1000);
    });
    await checkpoint();
    const signal = task.signal;
    assert.equal(signal.aborted, false);
    assert.equal(inside, signal, 'the root scope signal is the task signal');
    task.cancel();
    assert.equal(signal.aborted, true);
    assert.ok(signal.reason instanceof CancelledError);
    await assert.rejects(async () => task, CancelledError);
  });
});

test('createTask({ signal }) cancels the task when the signal aborts, and stops listening when done', async () => {
  await runVirtual(async () => {
    const controller = new AbortController();
    const task = createTask(() => sleep(1000), { signal: controller.signal });
    await checkpoint();
    controller.abort(new Error('stop'));
    await assert.rejects(async () => task, CancelledError);

    assertNoAbortListeners(controller.signal, 'aborted');

    const already = createTask(() => sleep(1000), { signal: AbortSignal.abort() });
    await assert.rejects(async () => already, CancelledError);
  });
});

test('createTask({ signal }) lets go of the signal however the task ends', async () => {
  await runVirtual(async () => {
    const boom = new Error('boom');
    const endings: Record<string, [body: () => Promise<unknown>, end: (task: Task<unknown>) => void]> = {
      fulfilled: [() => sleep(10, 'ok'), () => {}],
      rejected: [() => sleep(10).then(() => Promise.reject(boom)), () => {}],
      'timed out inside': [() => timeout(10, () => sleep(60_000)), () => {}],
      cancelled: [() => sleep(60_000), (task) => task.cancel()],
      'cancelled before it started': [() => sleep(60_000), () => {}],
    };
    for (const [ending, [body, end]] of Object.entries(endings)) {
      const { signal } = new AbortController();
      const task = createTask(body, { signal });
      if (ending === 'cancelled before it started') task.cancel();
      else {
        await checkpoint();
        assert.equal(abortListenerCount(signal), 1, `${ending}: the pending task listens`);
        end(task);
      }
      await task.then(undefined, () => undefined);
      assert.equal(task.done(), true);
      assertNoAbortListeners(signal, ending);
    }
  });
});

test('currentTask() and allTasks()', async () => {
  await runVirtual(async () => {
    const main = currentTask();
    assert.equal(main?.name, 'main');
    const child = createTask(
      async () => {
        assert.equal(currentTask()?.name, 'child');
        await sleep(1);
      },
      { name: 'child' },
    );
    const names = [...allTasks()].map((t) => t.name).sort();
    assert.deepEqual(names, ['child', 'main']);
    await child;
    assert.deepEqual(
      [...allTasks()].map((t) => t.name),
      ['main'],
    );
  });
  assert.equal(currentTask(), undefined);
});

test('bad arguments throw TypeError naming the argument', () => {
  assert.throws(() => createTask(42 as never), {
    name: 'TypeError',
    message: /createTask: fn must be a function/,
  });
  assert.throws(() => createTask(async () => 1, { name: 5 as never }), {
    name: 'TypeError',
    message: /options\.name/,
  });
  assert.throws(() => createTask(async () => 1, { signal: {} as never }), {
    name: 'TypeError',
    message: /options\.signal/,
  });
});

test('a body that throws synchronously fails the task; a body may return a plain value', async () => {
  await runVirtual(async () => {
    const err = new Error('sync');
    const t1 = createTask((() => {
      throw err;
    }) as () => Promise<void>);
    await assert.rejects(
      async () => t1,
      (e: unknown) => e === err,
    );
    const t2 = createTask(() => 7 as unknown as Promise<number>);
    assert.equal(await t2, 7);
  });
});

test('real time: works outside run(): tasks, sleep and await (the system clock: no run, no virtual clock)', async () => {
  const task = createTask(() => sleep(5, 'outside'));
  assert.equal(await task, 'outside');
  const cancelled = createTask(() => sleep(10_000));
  cancelled.cancel();
  await assert.rejects(async () => cancelled, CancelledError);
  await assertNoTimers();
});

test('a task awaiting itself, directly or through a cycle of tasks, rejects with InvalidStateError', async () => {
  await runVirtual(async () => {
    const self: Task<unknown> = createTask(async () => await self);
    await assert.rejects(async () => self, InvalidStateError);

    const tasks: Task<unknown>[] = [];
    for (let i = 0; i < 3; i++) {
      tasks.push(
        createTask(async () => {
          await sleep(i); // each starts awaiting the next one after the previous did
          return await tasks[(i + 1) % 3]!;
        }),
      );
    }
    const outcomes = await Promise.allSettled(tasks.map((t) => t.then((v) => v)));
    // The task that closed the cycle fails; the error travels back through the others.
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'rejected');
      assert.ok((outcome as PromiseRejectedResult).reason instanceof InvalidStateError);
    }
    // Awaiting a task that awaits something else is fine.
    const leaf = createTask(() => sleep(2, 'leaf'));
    const middle = createTask(async () => await leaf);
    assert.equal(await createTask(async () => await middle), 'leaf');
  });
});

test("state: 'scheduled' before the body starts, then 'running'; pending (not done) in both", async () => {
  await runVirtual(async () => {
    let seen: string | undefined;
    const task = createTask(async () => {
      seen = currentTask()?.state;
      await checkpoint();
    });
    assert.equal(task.state, 'scheduled');
    assert.equal(task.done(), false);
    assert.ok(allTasks().has(task), 'allTasks() lists pending tasks, started or not');
    await task;
    assert.equal(seen, 'running');
    assert.equal(task.state, 'fulfilled');
    assert.equal(allTasks().has(task), false);
  });
});
