import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CancelledError,
  checkpoint,
  createTask,
  InvalidStateError,
  run,
  sleep,
  type TaskGroup,
  taskGroup,
} from 'asyncio-ts';
import { assertNoTimers } from '../helpers/leaks.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('returns the body value after all children finished', async () => {
  const events: string[] = [];
  await runVirtual(async () => {
    const value = await taskGroup(async (tg) => {
      tg.createTask(async () => {
        await sleep(20);
        events.push('slow child');
      });
      tg.createTask(async () => {
        await sleep(5);
        events.push('fast child');
      });
      events.push('body done');
      return 'value';
    });
    events.push('group done');
    assert.equal(value, 'value');
  });
  assert.deepEqual(events, ['body done', 'fast child', 'slow child', 'group done']);
});

test('first error wins: siblings and body are cancelled and awaited, later errors land on tg.errors', async () => {
  const events: string[] = [];
  const first = new Error('first');
  const second = new Error('second');
  let group: TaskGroup | undefined;
  await runVirtual(async () => {
    await assert.rejects(
      taskGroup(async (tg) => {
        group = tg;
        tg.createTask(async () => {
          await sleep(5);
          throw first;
        });
        tg.createTask(async () => {
          try {
            await sleep(10_000);
          } catch {
            // Cleaning up after the cancellation fails too: a later error.
            throw second;
          }
        });
        tg.createTask(async () => {
          try {
            await sleep(10_000);
          } finally {
            events.push('sibling cancelled');
          }
        });
        try {
          await sleep(10_000);
        } finally {
          events.push('body cancelled');
        }
      }),
      (err: unknown) => err === first,
    );
  });
  assert.deepEqual(group?.errors, [first, second]);
  assert.deepEqual(events.sort(), ['body cancelled', 'sibling cancelled']);
  await assertNoTimers();
});

test('an error of the body cancels the children and is thrown', async () => {
  const boom = new Error('body');
  let childCancelled = false;
  await runVirtual(async () => {
    await assert.rejects(
      taskGroup(async (tg) => {
        tg.createTask(async () => {
          try {
            await sleep(10_000);
          } catch (err) {
            childCancelled = err instanceof CancelledError;
            throw err;
          }
        });
        await checkpoint();
        throw boom;
      }),
      (err: unknown) => err === boom,
    );
  });
  assert.equal(childCancelled, true);
});

test('caller cancellation cancels and awaits all children, then CancelledError propagates', async () => {
  const events: string[] = [];
  await runVirtual(async () => {
    const caller = createTask(() =>
      taskGroup(async (tg) => {
        for (const name of ['a', 'b']) {
          tg.createTask(async () => {
            try {
              await sleep(10_000);
            } finally {
              await sleep(5).catch(() => undefined);
              events.push(`${name} done`);
            }
          });
        }
      }),
    );
    await checkpoint();
    caller.cancel();
    await assert.rejects(async () => caller, CancelledError);
    assert.deepEqual(events.sort(), ['a done', 'b done']);
  });
});

test('a child cancelled on its own does not fail the group', async () => {
  await runVirtual(async () => {
    const value = await taskGroup(async (tg) => {
      const child = tg.createTask(() => sleep(10_000));
      await checkpoint();
      child.cancel();
      tg.createTask(() => sleep(5));
      return 'fine';
    });
    assert.equal(value, 'fine');
  });
});

test('createTask after the group has finished throws InvalidStateError', async () => {
  let saved: TaskGroup | undefined;
  await taskGroup(async (tg) => {
    saved = tg;
  });
  assert.throws(() => saved!.createTask(async () => 1), InvalidStateError);
});

test('children can start more children while the group waits', async () => {
  const events: string[] = [];
  await taskGroup(async (tg) => {
    tg.createTask(async () => {
      await sleep(2);
      tg.createTask(async () => {
        await sleep(2);
        events.push('grandchild');
      });
    });
  });
  assert.deepEqual(events, ['grandchild']);
});

test('bad arguments', async () => {
  assert.throws(() => taskGroup(5 as never), {
    name: 'TypeError',
    message: /taskGroup: fn must be a function/,
  });
  await taskGroup(async (tg) => {
    assert.throws(() => tg.createTask(5 as never), {
      name: 'TypeError',
      message: /TaskGroup.createTask: fn/,
    });
  });
});

test('debug mode reports the errors after the first with a warning', async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  try {
    await assert.rejects(
      run(
        () =>
          taskGroup(async (tg) => {
            tg.createTask(async () => {
              await sleep(1);
              throw new Error('first');
            });
            tg.createTask(async () => {
              try {
                await sleep(10_000);
              } catch {
                throw new Error('second');
              }
            });
          }),
        { debug: true },
      ),
      { message: 'first' },
    );
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  const later = warnings.filter((w) => (w as { code?: string }).code === 'ASYNCIO_TS_TASK_GROUP_LATER_ERROR');
  assert.equal(later.length, 1);
  assert.match(later[0]!.message, /second/);
});

test('cancel() spreads through 6,000 nested task groups without overflowing the stack', async () => {
  const depth = 6000;
  await runVirtual(async () => {
    let reached = false;
    let cleanedUp = 0;
    const nest = async (n: number): Promise<void> => {
      try {
        if (n === 0) {
          reached = true;
          await sleep(Number.POSITIVE_INFINITY);
        } else {
          await taskGroup(async (tg) => {
            tg.createTask(() => nest(n - 1));
          });
        }
      } finally {
        cleanedUp++;
      }
    };
    const root = createTask(() => nest(depth));
    while (!reached) await sleep(1);
    assert.equal(root.cancel(), true);
    await assert.rejects(async () => root, CancelledError);
    assert.equal(cleanedUp, depth + 1, 'every level was cancelled and cleaned up');
  });
});
