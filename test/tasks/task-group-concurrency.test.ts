import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, createTask, sleep, type Task, taskGroup } from 'asyncio-ts';
import { assertNoTimers } from '../helpers/leaks.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('taskGroup({ concurrency }) runs at most that many children at once, starting them in creation order', async () => {
  await runVirtual(async () => {
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const tasks = await taskGroup(
      async (tg) =>
        Array.from({ length: 10 }, (_, i) =>
          tg.createTask(async () => {
            started.push(i);
            running++;
            peak = Math.max(peak, running);
            await sleep(1 + (i % 3));
            running--;
            return i * i;
          }),
        ),
      { concurrency: 3 },
    );
    assert.equal(peak, 3);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(
      tasks.map((t) => t.result()),
      [0, 1, 4, 9, 16, 25, 36, 49, 64, 81],
    );
  });
  await assertNoTimers();
});

test('a failing child cancels the running ones and those still waiting for a place, which never start', async () => {
  await runVirtual(async () => {
    const started: number[] = [];
    let children: Task<void>[] = [];
    await assert.rejects(
      taskGroup(
        async (tg) => {
          children = Array.from({ length: 6 }, (_, i) =>
            tg.createTask(async () => {
              started.push(i);
              if (i === 1) throw new Error('child 1 failed');
              await sleep(10_000);
            }),
          );
        },
        { concurrency: 2 },
      ),
      { message: 'child 1 failed' },
    );
    assert.deepEqual(started, [0, 1]);
    assert.ok(children[0]!.cancelled());
    for (const child of children.slice(2)) assert.ok(child.cancelled());
  });
  await assertNoTimers();
});

test('a waiting child cancelled in the same turn its place came hands the place on (nothing lost)', async () => {
  await runVirtual(async () => {
    const ran: string[] = [];
    await taskGroup(
      async (tg) => {
        const first = tg.createTask(async () => {
          await sleep(1);
          ran.push('first');
        });
        const second = tg.createTask(async () => {
          ran.push('second');
        });
        tg.createTask(async () => {
          ran.push('third');
        });
        // When `first` is done its place has just been handed to `second`, which has not resumed yet.
        first.addDoneCallback(() => {
          assert.equal(second.done(), false);
          second.cancel();
        });
      },
      { concurrency: 1 },
    );
    assert.deepEqual(ran, ['first', 'third']);
  });
});

test('cancelling the caller cancels running and waiting children; nothing is left', async () => {
  await runVirtual(async () => {
    let finished = 0;
    const outer: Task<void> = createTask(() =>
      taskGroup(
        async (tg) => {
          for (let i = 0; i < 5; i++) {
            tg.createTask(async () => {
              try {
                await sleep(10_000);
              } finally {
                finished++;
              }
            });
          }
        },
        { concurrency: 2 },
      ),
    );
    await sleep(1);
    outer.cancel();
    await assert.rejects(outer, CancelledError);
    assert.equal(finished, 2); // only the two that had started ran their finally
  });
  await assertNoTimers();
});

test('bad concurrency throws at the call, naming the argument', () => {
  assert.throws(
    () => taskGroup(async () => undefined, { concurrency: 0 }),
    /taskGroup: options\.concurrency/,
  );
  assert.throws(() => taskGroup(async () => undefined, { concurrency: 1.5 }), RangeError);
  assert.throws(() => taskGroup(async () => undefined, { concurrency: '2' as never }), TypeError);
});
