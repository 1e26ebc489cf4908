import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { test } from 'node:test';
import { checkpoint, createTask, currentTask, Lock, sleep } from 'asyncio-ts';
import {
  channelNames,
  type TaskCreateMessage,
  type TaskFinishMessage,
  type TaskStartMessage,
  type WaitParkMessage,
  type WaitSettleMessage,
} from 'asyncio-ts/debug';
import { runVirtual } from '../helpers/virtual-time.js';

/** Subscribes to every asyncio-ts channel for the duration of `body`, recording one line per event. */
async function recordEvents(body: () => Promise<void>): Promise<string[]> {
  const log: string[] = [];
  const handlers: Record<string, (message: unknown) => void> = {
    [channelNames.taskCreate]: (m) => {
      const { task, creator } = m as TaskCreateMessage;
      log.push(`create ${task.name} by ${creator?.name ?? '-'}`);
    },
    [channelNames.taskStart]: (m) => {
      const { task } = m as TaskStartMessage;
      // Published from the task's own context.
      log.push(`start ${task.name}${currentTask() === task ? '' : ' (wrong context)'}`);
    },
    [channelNames.taskFinish]: (m) => {
      const { task, state, error } = m as TaskFinishMessage;
      log.push(`finish ${task.name} ${state}${error instanceof Error ? ` ${error.message}` : ''}`);
    },
    [channelNames.waitPark]: (m) => {
      const { wait, task } = m as WaitParkMessage;
      if (wait.label !== 'checkpoint') log.push(`park ${task?.name ?? '-'} ${wait.label}`);
    },
    [channelNames.waitSettle]: (m) => {
      const { wait, task, outcome } = m as WaitSettleMessage;
      if (wait.label !== 'checkpoint') log.push(`settle ${task?.name ?? '-'} ${wait.label} ${outcome}`);
    },
  };
  for (const [name, fn] of Object.entries(handlers)) diagnosticsChannel.subscribe(name, fn);
  try {
    await body();
  } finally {
    for (const [name, fn] of Object.entries(handlers)) diagnosticsChannel.unsubscribe(name, fn);
  }
  return log;
}

test('the channel names are the documented ones and nobody listens by default', () => {
  assert.deepEqual(Object.values(channelNames), [
    'asyncio-ts:task:create',
    'asyncio-ts:task:start',
    'asyncio-ts:task:finish',
    'asyncio-ts:wait:park',
    'asyncio-ts:wait:settle',
  ]);
  for (const name of Object.values(channelNames)) {
    assert.equal(diagnosticsChannel.hasSubscribers(name), false, `${name} has no subscriber`);
  }
});

test('a third-party subscriber sees task lifecycles and waits, in order, with labels', async () => {
  const log = await recordEvents(() =>
    runVirtual(async () => {
      const lock = new Lock();
      const held = await lock.acquire(); // uncontended: no wait
      const worker = createTask(
        async () => {
          using _ = await lock.acquire();
          await sleep(5);
        },
        { name: 'worker' },
      );
      await checkpoint();
      held.release();
      await worker;
      const failing = createTask(
        async () => {
          throw new Error('boom');
        },
        { name: 'failing' },
      );
      await failing.then(undefined, () => {});
      const sleeper = createTask(() => sleep(60_000), { name: 'sleeper' });
      await checkpoint();
      sleeper.cancel();
    }),
  );
  assert.deepEqual(log, [
    'create main by -',
    'start main',
    'create worker by main',
    'start worker',
    'park worker Lock.acquire',
    'settle worker Lock.acquire resolved',
    'park main await task',
    'park worker sleep',
    'settle worker sleep resolved',
    'finish worker fulfilled',
    'settle main await task resolved',
    'create failing by main',
    'park main await task',
    'start failing',
    'finish failing rejected boom',
    'settle main await task rejected',
    'create sleeper by main',
    'start sleeper',
    'park sleeper sleep',
    'settle sleeper sleep cancelled',
    'finish sleeper cancelled Task sleeper was cancelled',
    'finish main fulfilled',
  ]);
});

test('events stop when the subscriber leaves', async () => {
  const log = await recordEvents(() => runVirtual(() => sleep(1)));
  assert.deepEqual(log, [
    'create main by -',
    'start main',
    'park main sleep',
    'settle main sleep resolved',
    'finish main fulfilled',
  ]);
  const after: unknown[] = [];
  const fn = (m: unknown) => after.push(m);
  diagnosticsChannel.subscribe(channelNames.taskCreate, fn);
  diagnosticsChannel.unsubscribe(channelNames.taskCreate, fn);
  await runVirtual(() => sleep(1));
  assert.deepEqual(after, []);
});
