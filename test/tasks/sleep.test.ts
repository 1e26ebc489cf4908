import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, checkpoint, createTask, now, run, sleep } from 'asyncio-ts';
import { activeResources, assertNoTimers } from '../helpers/leaks.js';
import { checkSignalEndings } from '../helpers/signal-endings.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('real time: sleep resolves with the value after about ms (never early by more than the 1 ms timer tolerance)', async () => {
  const start = now();
  assert.equal(await sleep(20, 'v'), 'v');
  assert.ok(now() - start >= 19, `slept ${now() - start} ms`);
});

test('real time: sleeps share one OS timer', async () => {
  await run(async () => {
    const sleeps = Array.from({ length: 200 }, (_, i) => sleep(20 + (i % 20)));
    const timers = activeResources().Timeout ?? 0;
    assert.ok(timers <= 1, `expected one timer for 200 sleeps, saw ${timers}`);
    await Promise.all(sleeps);
  });
  await assertNoTimers();
});

test('real time: sleeps wake in deadline order (even when a stalled loop finds them all due at once)', async () => {
  const order: number[] = [];
  await Promise.all([30, 10, 20, 5].map((ms) => sleep(ms).then(() => order.push(ms))));
  assert.deepEqual(order, [5, 10, 20, 30]);
});

test('virtual time: sleeps wake at their deadline, in deadline order, ties in call order', async () => {
  await runVirtual(async () => {
    const woke: [string, number][] = [];
    const t0 = now();
    const at = (name: string, ms: number) => sleep(ms).then(() => woke.push([name, now() - t0]));
    await Promise.all([at('30', 30), at('10a', 10), at('3600000', 3_600_000), at('10b', 10), at('5', 5)]);
    assert.deepEqual(woke, [
      ['5', 5],
      ['10a', 10],
      ['10b', 10],
      ['30', 30],
      ['3600000', 3_600_000],
    ]);
  });
});

test('a cancelled sleep leaves no timer holding the process', async () => {
  await run(async () => {
    const task = createTask(() => sleep(60_000));
    await checkpoint();
    task.cancel();
    await assert.rejects(async () => task, CancelledError);
  });
  await assertNoTimers();
});

test('{ signal } rejects with the signal reason, at once if already aborted', async () => {
  const controller = new AbortController();
  const pending = sleep(60_000, undefined, { signal: controller.signal });
  const reason = new Error('stop');
  controller.abort(reason);
  await assert.rejects(pending, (err: unknown) => err === reason);
  await assert.rejects(
    sleep(10, undefined, { signal: AbortSignal.abort(reason) }),
    (err: unknown) => err === reason,
  );
  await assertNoTimers();
});

test('sleep(0) and checkpoint() yield one turn of the event loop (I/O callbacks and immediates run)', async () => {
  const events: string[] = [];
  setImmediate(() => events.push('immediate'));
  await checkpoint();
  events.push('after checkpoint');
  assert.deepEqual(events, ['immediate', 'after checkpoint']);
  assert.equal(await sleep(0, 'zero'), 'zero');
});

test('sleep(Infinity) waits until cancelled', async () => {
  await runVirtual(async () => {
    const task = createTask(() => sleep(Number.POSITIVE_INFINITY));
    await sleep(365 * 24 * 3_600_000);
    assert.equal(task.done(), false);
    task.cancel();
    await assert.rejects(async () => task, CancelledError);
  });
});

test('real time: sleep(Infinity) holds no timer that wakes it', async () => {
  await run(async () => {
    const task = createTask(() => sleep(Number.POSITIVE_INFINITY));
    await sleep(5);
    assert.equal(task.done(), false);
    task.cancel();
    await assert.rejects(async () => task, CancelledError);
  });
});

test('bad arguments', () => {
  assert.throws(() => sleep(Number.NaN), { name: 'RangeError', message: /sleep: ms must not be NaN/ });
  assert.throws(() => sleep('1' as never), { name: 'TypeError', message: /sleep: ms/ });
  assert.throws(() => sleep(1, undefined, { signal: 'x' as never }), {
    name: 'TypeError',
    message: /options\.signal/,
  });
});

test('{ signal }: sleep lets go of the signal however it ends', async () => {
  await checkSignalEndings(() => ({
    wait: (signal) => sleep(120_000, 'woke', { signal }),
    release: () => {},
  }));
});
