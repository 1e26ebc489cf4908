import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkpoint, createTask, gather, run, sleep, taskGroup } from 'asyncio-ts';
import { VirtualClock } from 'asyncio-ts/testing';
import { assertNoTimers } from '../helpers/leaks.js';

/** Keeps the thread busy for `ms` of wall time (a synchronous loop: the event loop cannot run). */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

/** Runs `body`, returning the AsyncioWarnings emitted meanwhile (warnings are emitted on process.nextTick). */
async function warningsOf(body: () => Promise<void>): Promise<Error[]> {
  const seen: Error[] = [];
  const onWarning = (warning: Error) => {
    if (warning.name === 'AsyncioWarning') seen.push(warning);
  };
  process.on('warning', onWarning);
  try {
    await body();
    await new Promise<void>((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

test('real time: a task that spins 300 ms is named, with where it was created', async () => {
  const warnings = await warningsOf(() =>
    run(
      async () => {
        await taskGroup(async (tg) => {
          tg.createTask(() => sleep(20), { name: 'polite' });
          tg.createTask(
            async () => {
              await sleep(5);
              spin(300); // 300 ms of wall time, whatever the machine's load: always over the 100 ms default
            },
            { name: 'spinner' },
          );
        });
      },
      { clock: new VirtualClock(), debug: true },
    ),
  );
  // On a loaded machine another slice may be descheduled past 100 ms and be reported too: a real (if
  // not our program's) blocked loop. The spinner must be reported exactly once, with its 300 ms.
  const slow = warnings.filter(
    (w) => (w as { code?: string }).code === 'ASYNCIO_TS_SLOW_CALLBACK' && w.message.includes('"spinner"'),
  );
  assert.equal(slow.length, 1, warnings.map((w) => w.message).join('\n'));
  assert.match(
    slow[0]!.message,
    /^Executing <Task "spinner" created at .*blocking-detector\.test\.ts:\d+:\d+\)?> took \d+ ms/,
  );
  const took = Number(/took (\d+) ms/.exec(slow[0]!.message)![1]);
  assert.ok(took >= 300, `took ${took} ms`);
  assert.match(
    (slow[0] as { detail?: string }).detail ?? '',
    /Task created at:\n\s+at .*blocking-detector\.test\.ts/,
  );
  await assertNoTimers();
});

test('real time: the first slice of a task (before its first await) is measured too', async () => {
  const warnings = await warningsOf(() =>
    run(
      async () => {
        const quick = createTask(() => sleep(1), { name: 'quick' });
        const hog = createTask(async () => spin(150), { name: 'hog' });
        const after = createTask(() => sleep(1), { name: 'after' });
        await gather(quick, hog, after);
      },
      { clock: new VirtualClock(), debug: true },
    ),
  );
  const slow = warnings.filter((w) => (w as { code?: string }).code === 'ASYNCIO_TS_SLOW_CALLBACK');
  const named = slow.map((w) => /<Task "([^"]+)"/.exec(w.message)?.[1]);
  assert.deepEqual(
    named.filter((name) => name === 'hog'),
    ['hog'],
  );
  const took = Number(/took (\d+) ms/.exec(slow.find((w) => w.message.includes('"hog"'))!.message)![1]);
  assert.ok(took >= 150 && took < 1000, `hog took ${took} ms: its own slice, not the batch's`);
});

test('a program that never blocks stays silent', async () => {
  const warnings = await warningsOf(() =>
    run(
      async () => {
        await gather(
          ...Array.from({ length: 20 }, (_, i) => async () => {
            for (let j = 0; j < 5; j++) await sleep(i % 3);
            await checkpoint();
          }),
        );
      },
      // Slices here last microseconds; the margin covers a loaded CI machine descheduling the process.
      { clock: new VirtualClock(), debug: true, slowCallbackMs: 250 },
    ),
  );
  assert.deepEqual(
    warnings.map((w) => w.message),
    [],
  );
});

test('real time: without debug mode nothing is measured', async () => {
  const warnings = await warningsOf(() =>
    run(
      async () => {
        await sleep(1);
        spin(150);
      },
      { clock: new VirtualClock() },
    ),
  );
  assert.deepEqual(warnings, []);
});

test('slowCallbackMs is checked at the call', () => {
  assert.throws(() => run(async () => {}, { debug: true, slowCallbackMs: Number.NaN }), RangeError);
  assert.throws(() => run(async () => {}, { slowCallbackMs: -1 }), RangeError);
  assert.throws(
    // @ts-expect-error: a string is not a number of milliseconds
    () => run(async () => {}, { slowCallbackMs: '100' }),
    /options\.slowCallbackMs must be a number/,
  );
});
