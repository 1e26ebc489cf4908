import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allTasks, CancelledError, checkpoint, createTask, map, now, Queue, sleep } from 'asyncio-ts';
import { assertNoTimers } from '../helpers/leaks.js';
import { runVirtual } from '../helpers/virtual-time.js';

test('results come in input order, whatever the completion order; fn gets (item, index)', async () => {
  await runVirtual(async () => {
    const delays = [30, 5, 20, 1, 10];
    const results = await map(async (ms, i) => sleep(ms, `${i}:${ms}`), delays, { concurrency: 2 });
    assert.deepEqual(results, ['0:30', '1:5', '2:20', '3:1', '4:10']);
  });
  await assertNoTimers();
});

test('never more than `concurrency` calls run at once, and items are pulled lazily', async () => {
  await runVirtual(async () => {
    let pulled = 0;
    let finished = 0;
    let active = 0;
    let peak = 0;
    let maxAhead = 0;
    function* source() {
      for (let i = 0; i < 20; i++) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - finished);
        yield i;
      }
    }
    const results = await map(
      async (i) => {
        active++;
        peak = Math.max(peak, active);
        await sleep(1 + (i % 3));
        active--;
        finished++;
        return i * 2;
      },
      source(),
      { concurrency: 3 },
    );
    assert.equal(peak, 3);
    assert.ok(maxAhead <= 3, `pulled ${maxAhead} items ahead of the finished ones`);
    assert.deepEqual(
      results,
      Array.from({ length: 20 }, (_, i) => i * 2),
    );
  });
});

test('an endless generator is fine: the first failure stops pulling, cancels the running calls and closes it', async () => {
  const events: string[] = [];
  let cancelledCalls = 0;
  let pulled = 0;
  function* endless() {
    try {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    } finally {
      events.push('generator closed');
    }
  }
  await runVirtual(async () => {
    await assert.rejects(
      map(
        async (i) => {
          if (i === 5) throw new RangeError('item 5 is bad');
          try {
            await sleep(i < 5 ? 1 : 1000);
          } catch (err) {
            if (err instanceof CancelledError) cancelledCalls++;
            throw err;
          }
          return i;
        },
        endless(),
        { concurrency: 4 },
      ),
      (err: unknown) => err instanceof RangeError && err.message === 'item 5 is bad',
    );
  });
  assert.deepEqual(events, ['generator closed']);
  assert.ok(cancelledCalls >= 1, 'the calls still running were cancelled');
  assert.ok(pulled <= 5 + 4, `pulled ${pulled} items: no more than the failing one plus the running ones`);
  await assertNoTimers();
});

test('cancelling the caller cancels every running call and closes the source', async () => {
  let closed = false;
  let started = 0;
  let cancelled = 0;
  function* items() {
    try {
      yield* [1, 2, 3, 4, 5, 6];
    } finally {
      closed = true;
    }
  }
  await runVirtual(async () => {
    const task = createTask(() =>
      map(
        async (i) => {
          started++;
          try {
            await sleep(10_000);
          } catch (err) {
            cancelled++;
            throw err;
          }
          return i;
        },
        items(),
        { concurrency: 2 },
      ),
    );
    await checkpoint();
    task.cancel();
    await assert.rejects(Promise.resolve(task), CancelledError);
  });
  assert.equal(started, 2);
  assert.equal(cancelled, 2);
  assert.equal(closed, true);
  await assertNoTimers();
});

test('returnExceptions: failures stand in the results and the others go on', async () => {
  await runVirtual(async () => {
    const results = await map(
      async (i) => {
        await checkpoint();
        if (i % 2 === 1) throw new Error(`odd ${i}`);
        return i;
      },
      [0, 1, 2, 3, 4],
      { concurrency: 2, returnExceptions: true },
    );
    assert.equal(results[0], 0);
    assert.equal(results[2], 2);
    assert.equal(results[4], 4);
    // (map's type says number[]: with returnExceptions the failures are typed as results, as in gather)
    const [r1, r3] = [results[1] as unknown, results[3] as unknown];
    assert.ok(r1 instanceof Error && r1.message === 'odd 1');
    assert.ok(r3 instanceof Error && r3.message === 'odd 3');
  });
});

test('async iterables are pulled one next() at a time, lazily, with results in order (a source that sleeps)', async () => {
  await runVirtual(async () => {
    let inFlightPulls = 0;
    let maxInFlightPulls = 0;
    let pulled = 0;
    let finished = 0;
    let maxAhead = 0;
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]() {
        let i = 0;
        return {
          async next() {
            inFlightPulls++;
            maxInFlightPulls = Math.max(maxInFlightPulls, inFlightPulls);
            await sleep(1);
            inFlightPulls--;
            if (i >= 8) return { done: true, value: undefined };
            pulled++;
            maxAhead = Math.max(maxAhead, pulled - finished);
            return { done: false, value: i++ };
          },
        };
      },
    };
    const results = await map(
      async (x) => {
        await sleep(3);
        finished++;
        return x * 10;
      },
      source,
      { concurrency: 3 },
    );
    assert.deepEqual(results, [0, 10, 20, 30, 40, 50, 60, 70]);
    assert.equal(maxInFlightPulls, 1, 'an async iterator never sees concurrent next() calls');
    assert.ok(maxAhead <= 3);
  });
  await assertNoTimers();
});

test('an async generator that sleeps or waits on a queue of the run does not stop the virtual clock', async () => {
  await runVirtual(async () => {
    const queue = new Queue<number>();
    const feeder = createTask(async () => {
      for (let i = 0; i < 4; i++) {
        await sleep(1000);
        await queue.put(i);
      }
    });
    async function* source(): AsyncGenerator<number> {
      for (let i = 0; i < 4; i++) {
        await sleep(500);
        yield await queue.get();
      }
    }
    const results = await map(async (x) => x * 2, source(), { concurrency: 2 });
    assert.deepEqual(results, [0, 2, 4, 6]);
    assert.equal(now(), 4000, 'the clock jumped to each deadline and no further');
    await feeder;
  });
});

test('a pull waiting on foreign I/O keeps the virtual clock still while other workers sleep', async () => {
  await runVirtual(async () => {
    const pulledAt: number[] = [];
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]() {
        let i = 0;
        return {
          async next() {
            await new Promise<void>((resolve) => setImmediate(resolve)); // foreign: not the run's clock
            pulledAt.push(now());
            return i < 3 ? { done: false, value: i++ } : { done: true, value: undefined };
          },
        };
      },
    };
    const results = await map(
      async (x) => {
        await sleep(10_000);
        return x;
      },
      source,
      { concurrency: 2 },
    );
    assert.deepEqual(results, [0, 1, 2]);
    // The first two pulls end before any sleeper's deadline: the clock did not jump while they were pending.
    assert.deepEqual(pulledAt.slice(0, 2), [0, 0]);
  });
});

test('an async generator source is closed when a call fails', async () => {
  let closed = false;
  async function* gen() {
    try {
      for (let i = 0; ; i++) yield i;
    } finally {
      closed = true;
    }
  }
  await runVirtual(async () => {
    await assert.rejects(
      map(
        async (i) => {
          if (i === 3) throw new Error('stop at 3');
          await sleep(1);
          return i;
        },
        gen(),
        { concurrency: 2 },
      ),
      /stop at 3/,
    );
  });
  await checkpoint();
  assert.equal(closed, true);
});

test('default concurrency is unbounded; empty input gives []; plain values are accepted', async () => {
  await runVirtual(async () => {
    let active = 0;
    let peak = 0;
    const results = await map(
      async (i: number) => {
        active++;
        peak = Math.max(peak, active);
        await checkpoint();
        active--;
        return i;
      },
      [1, 2, 3, 4, 5],
    );
    assert.deepEqual(results, [1, 2, 3, 4, 5]);
    assert.equal(peak, 5);
    assert.deepEqual(await map(async (x) => x, []), []);
    assert.deepEqual(await map((x: number) => x + 1, new Set([1, 2])), [2, 3]);
  });
});

test('real time: works outside run() too (the system clock)', async () => {
  assert.deepEqual(await map(async (x: number) => sleep(1, x * 3), [1, 2, 3], { concurrency: 2 }), [3, 6, 9]);
  await assertNoTimers();
});

test('bad arguments throw TypeError/RangeError at the call, naming the argument', () => {
  assert.throws(() => map('f' as never, [1]), /map: fn must be a function/);
  assert.throws(
    () => map(async (x) => x, 42 as never),
    /map: items must be an iterable or async iterable, received number 42/,
  );
  assert.throws(
    () => map(async (x) => x, [1], { concurrency: 0 }),
    /map: options\.concurrency must be an integer >= 1 or Infinity, received 0/,
  );
  assert.throws(() => map(async (x) => x, [1], { concurrency: 1.5 }), RangeError);
  assert.throws(() => map(async (x) => x, [1], { concurrency: '2' as never }), TypeError);
  assert.throws(() => map(async (x) => x, [1], 'opts' as never), /map: options must be an object/);
});

test('a huge concurrency starts no more workers than items in flight (sync and async sources)', async () => {
  async function* three(): AsyncGenerator<number> {
    yield* [1, 2, 3];
  }
  await runVirtual(async () => {
    let most = 0;
    const fn = async (x: number): Promise<number> => {
      most = Math.max(most, allTasks().size);
      await sleep(1);
      return x * 2;
    };
    assert.deepEqual(await map(fn, [1, 2, 3], { concurrency: 1e7 }), [2, 4, 6]);
    assert.ok(most <= 4, `main and at most 3 workers, saw ${most} tasks`);
    most = 0;
    assert.deepEqual(await map(fn, new Set([1, 2, 3]), { concurrency: 100_000 }), [2, 4, 6]);
    assert.ok(most <= 4, `main and at most 3 workers, saw ${most} tasks`);
    most = 0;
    assert.deepEqual(await map(fn, three(), { concurrency: 1e7 }), [2, 4, 6]);
    assert.ok(most <= 4, `main and at most 3 workers, saw ${most} tasks`);
  });
});
