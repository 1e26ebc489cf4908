import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createTask, gather, Lock, run, sleep } from 'asyncio-ts';
import { VirtualClock } from 'asyncio-ts/testing';

// A full garbage collection on demand (the test runner does not pass --expose-gc).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

type Warning = Error & { code?: string; detail?: string };

/** Collects AsyncioWarnings while `body` runs and garbage is collected afterwards (finalizers run later). */
async function warningsAfterGc(
  body: () => Promise<void>,
  until: (seen: Warning[]) => boolean,
): Promise<Warning[]> {
  const seen: Warning[] = [];
  const onWarning = (warning: Warning) => {
    if (warning.name === 'AsyncioWarning') seen.push(warning);
  };
  process.on('warning', onWarning);
  try {
    await body();
    // Finalization callbacks run as separate tasks after a collection: poll turns of the event loop, bounded.
    for (let i = 0; i < 200 && !until(seen); i++) {
      gc();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

const byCode = (code: string) => (seen: Warning[]) => seen.some((w) => w.code === code);

test('a sleep() that is never awaited is reported when collected, with where it was made', async () => {
  const warnings = await warningsAfterGc(
    () =>
      run(
        async () => {
          sleep(5); // dropped: a bug this warning exists for
          await sleep(20);
        },
        { clock: new VirtualClock(), debug: true },
      ),
    byCode('ASYNCIO_TS_NEVER_AWAITED'),
  );
  const dropped = warnings.filter((w) => w.code === 'ASYNCIO_TS_NEVER_AWAITED');
  assert.equal(dropped.length, 1, warnings.map((w) => w.message).join('\n'));
  assert.match(
    dropped[0]!.message,
    /^sleep was never awaited \(task "main", created at .*never-awaited\.test\.ts:\d+:\d+\)?\)/,
  );
  assert.match(dropped[0]!.detail ?? '', /never-awaited\.test\.ts/);
});

test('a contended lock.acquire() that is never awaited is reported too', async () => {
  const warnings = await warningsAfterGc(
    () =>
      run(
        async () => {
          const lock = new Lock();
          const held = await lock.acquire(); // uncontended: settles at once, nothing to track
          await createTask(
            () => {
              lock.acquire(); // contended and dropped: it will hold the lock, and nobody knows
            },
            { name: 'careless' },
          );
          held.release();
          await sleep(5);
        },
        { clock: new VirtualClock(), debug: true },
      ),
    byCode('ASYNCIO_TS_NEVER_AWAITED'),
  );
  const dropped = warnings.filter((w) => w.code === 'ASYNCIO_TS_NEVER_AWAITED').map((w) => w.message);
  assert.equal(dropped.length, 1, dropped.join('\n'));
  assert.match(
    dropped[0]!,
    /^Lock\.acquire was never awaited \(task "careless", created at .*never-awaited\.test\.ts/,
  );
});

test('awaited waits, and waits passed to gather or then(), are not reported', async () => {
  const warnings = await warningsAfterGc(
    () =>
      run(
        async () => {
          await sleep(1);
          await gather(sleep(2), sleep(3));
          await sleep(1).then(() => {});
          const task = createTask(() => sleep(1), { name: 'kept' });
          await task;
          await createTask(() => void sleep(1), { name: 'control' }); // one dropped sleep: proves GC ran
          await sleep(5);
        },
        { clock: new VirtualClock(), debug: true },
      ),
    byCode('ASYNCIO_TS_NEVER_AWAITED'),
  );
  assert.deepEqual(
    warnings.map((w) => /task "(\w+)"/.exec(w.message)?.[1]),
    ['control'],
  );
});

test('a task whose value is never retrieved is reported when collected; a retrieved one is not', async () => {
  const warnings = await warningsAfterGc(
    () =>
      run(
        async () => {
          createTask(async () => 'lost', { name: 'forgotten' });
          const kept = createTask(async () => 'kept', { name: 'remembered' });
          await sleep(5);
          assert.equal(kept.result(), 'kept');
        },
        { clock: new VirtualClock(), debug: true },
      ),
    byCode('ASYNCIO_TS_NEVER_AWAITED'),
  );
  const messages = warnings.filter((w) => w.code === 'ASYNCIO_TS_NEVER_AWAITED').map((w) => w.message);
  assert.equal(messages.length, 1, messages.join('\n'));
  assert.match(
    messages[0]!,
    /^Task "forgotten" was never awaited: its result was never retrieved \(created at .*never-awaited\.test\.ts/,
  );
});

test('a never-retrieved task exception names the task and, in debug mode, where it was created', async () => {
  const warnings = await warningsAfterGc(
    () =>
      run(
        async () => {
          createTask(
            async () => {
              throw new Error('nobody looks');
            },
            { name: 'doomed' },
          );
          await sleep(5);
        },
        { clock: new VirtualClock(), debug: true },
      ),
    byCode('ASYNCIO_TS_TASK_EXCEPTION_NEVER_RETRIEVED'),
  );
  const lost = warnings.filter((w) => w.code === 'ASYNCIO_TS_TASK_EXCEPTION_NEVER_RETRIEVED');
  assert.equal(lost.length, 1);
  assert.match(lost[0]!.message, /task "doomed" failed with Error: nobody looks/);
  assert.match(
    lost[0]!.detail ?? '',
    /Error: nobody looks[\s\S]*Task created at:\n\s+at .*never-awaited\.test\.ts/,
  );
  // Not reported twice as "never awaited": that warning is for values.
  assert.equal(warnings.filter((w) => w.code === 'ASYNCIO_TS_NEVER_AWAITED').length, 0);
});

test('without debug mode no waiter is tracked', async () => {
  const warnings = await warningsAfterGc(
    () =>
      run(
        async () => {
          sleep(5);
          createTask(async () => 'lost');
          await sleep(20);
        },
        { clock: new VirtualClock() },
      ),
    () => false,
  );
  assert.deepEqual(
    warnings.map((w) => w.message),
    [],
  );
});
