import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, checkpoint, createTask, shield, sleep } from 'asyncio-ts';
import { runVirtual } from '../helpers/virtual-time.js';

test('shield lets async clean-up finish; the cancellation arrives at the next checkpoint', async () => {
  const events: string[] = [];
  await runVirtual(async () => {
    const task = createTask(async () => {
      try {
        await sleep(10_000);
      } finally {
        const value = await shield(async () => {
          await sleep(20); // would throw at once without the shield: the task is cancelled
          events.push('clean-up finished');
          return 'flushed';
        });
        events.push(`shield returned ${value}`);
        await checkpoint().catch((err: unknown) => events.push(`next checkpoint: ${(err as Error).name}`));
      }
    });
    await checkpoint();
    task.cancel();
    await assert.rejects(async () => task, CancelledError);
  });
  assert.deepEqual(events, [
    'clean-up finished',
    'shield returned flushed',
    'next checkpoint: CancelledError',
  ]);
});

test('a cancellation during the shielded work does not reach it; the caller waits for it', async () => {
  const events: string[] = [];
  await runVirtual(async () => {
    const task = createTask(async () => {
      await shield(async () => {
        await sleep(30);
        events.push('shielded work done');
      });
      events.push('after shield');
      await checkpoint();
      events.push('not reached');
    });
    await sleep(5);
    task.cancel();
    await assert.rejects(async () => task, CancelledError);
  });
  assert.deepEqual(events, ['shielded work done', 'after shield']);
});

test('shield delivers the outcome of fn, including its error', async () => {
  const err = new Error('inner');
  await assert.rejects(
    shield(async () => {
      throw err;
    }),
    (e: unknown) => e === err,
  );
  await assert.rejects(
    shield(() => {
      throw err;
    }),
    (e: unknown) => e === err,
  );
  assert.equal(await shield(async () => 5), 5);
  assert.throws(() => shield(1 as never), { name: 'TypeError', message: /shield: fn must be a function/ });
});
