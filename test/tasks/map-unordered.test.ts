import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allTasks, CancelledError, createTask, mapUnordered, now, run, sleep } from 'asyncio-ts';
import { VirtualClock } from 'asyncio-ts/testing';
import { assertNoTimers } from '../helpers/leaks.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('yields results as the calls finish, at most `concurrency` running', async () => {
  await run(
    async () => {
      let running = 0;
      let peak = 0;
      const seen: number[] = [];
      const delays = [50, 10, 40, 20, 30, 5];
      for await (const ms of mapUnordered(
        async (ms: number) => {
          running++;
          peak = Math.max(peak, running);
          await sleep(ms);
          running--;
          return ms;
        },
        delays,
        { concurrency: 3 },
      )) {
        seen.push(ms);
      }
      assert.equal(peak, 3);
      // 50, 10 and 40 start at t=0; at t=10 the 10 ends and 20 starts (ends t=30), which frees a place for
      // 30 (ends t=60); at t=40 the 40 ends and 5 starts (ends t=45); the 50 ends at t=50.
      assert.deepEqual(seen, [10, 20, 40, 5, 50, 30]);
    },
    { clock: new VirtualClock() },
  );
});

test('the first result arrives before the slow calls finish (streaming, not collecting)', async () => {
  await run(
    async () => {
      const clock: number[] = [];
      for await (const value of mapUnordered((ms: number) => sleep(ms, ms), [1000, 10], { concurrency: 2 })) {
        // Read before the 1000 ms call is over: virtual time says when.
        if (clock.length === 0) assert.equal(now(), 10);
        clock.push(value);
      }
      assert.deepEqual(clock, [10, 1000]);
    },
    { clock: new VirtualClock() },
  );
});

test('pulls lazily from an endless generator and stops pulling when the loop breaks; workers are gone', async () => {
  await runVirtual(async () => {
    let pulled = 0;
    function* naturals(): Generator<number> {
      for (let n = 0; ; n++) {
        pulled++;
        yield n;
      }
    }
    const got: number[] = [];
    for await (const n of mapUnordered(async (n: number) => n * 2, naturals(), { concurrency: 4 })) {
      got.push(n);
      if (got.length === 10) break;
    }
    assert.equal(got.length, 10);
    assert.ok(pulled < 10 + 4 * 3, `pulled ${pulled} items for 10 results`);
    assert.equal(
      [...allTasks()].filter((t) => t.name === 'mapUnordered worker').length,
      0,
      'no worker left after break',
    );
  });
  await assertNoTimers();
});

test('the first failure cancels the running calls and is thrown from the loop', async () => {
  await run(
    async () => {
      let cancelled = 0;
      const got: number[] = [];
      await assert.rejects(
        (async () => {
          for await (const v of mapUnordered(
            async (i: number) => {
              if (i === 2) {
                await sleep(5);
                throw new Error('item 2 failed');
              }
              try {
                await sleep(i === 0 ? 1 : 10_000);
              } catch (e) {
                cancelled++;
                throw e;
              }
              return i;
            },
            [0, 1, 2, 3],
            { concurrency: 3 },
          )) {
            got.push(v);
          }
        })(),
        { message: 'item 2 failed' },
      );
      assert.deepEqual(got, [0]);
      assert.ok(cancelled >= 1);
    },
    { clock: new VirtualClock() },
  );
  await assertNoTimers();
});

test('cancelling the consumer cancels the calls and waits for them before the loop exits', async () => {
  await runVirtual(async () => {
    const cleanedUp: number[] = [];
    const consumer = createTask(async () => {
      for await (const _ of mapUnordered(
        async (i: number) => {
          try {
            await sleep(10_000);
          } finally {
            cleanedUp.push(i);
          }
        },
        [1, 2, 3],
        { concurrency: 3 },
      )) {
        // never reached
      }
    });
    await sleep(5);
    consumer.cancel();
    await assert.rejects(consumer, CancelledError);
    assert.deepEqual([...cleanedUp].sort(), [1, 2, 3]);
  });
  await assertNoTimers();
});

test('a slow consumer holds the workers back: at most `concurrency` results wait unread', async () => {
  await runVirtual(async () => {
    let started = 0;
    const stream = mapUnordered(
      async (i: number) => {
        started++;
        return i;
      },
      Array.from({ length: 100 }, (_, i) => i),
      { concurrency: 2 },
    );
    const iterator = stream[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value, 0);
    await sleep(5); // the consumer is busy: the workers may fill the buffer, no more
    assert.ok(started <= 2 + 2 + 1, `started ${started} calls with one result read`);
    await iterator.return?.();
  });
  await assertNoTimers();
});

test('async iterables work, and bad arguments throw at the call', async () => {
  async function* letters(): AsyncGenerator<string> {
    yield 'a';
    yield 'b';
  }
  const out: string[] = [];
  for await (const s of mapUnordered(async (s: string) => s.toUpperCase(), letters())) out.push(s);
  assert.deepEqual(out.sort(), ['A', 'B']);
  assert.throws(() => mapUnordered(async () => 1, 5 as never), /mapUnordered: items must be an iterable/);
  assert.throws(() => mapUnordered('x' as never, []), TypeError);
  assert.throws(() => mapUnordered(async () => 1, [], { concurrency: 0 }), RangeError);
});
