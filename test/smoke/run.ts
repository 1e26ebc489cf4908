/**
 * A smoke suite of the core, the combinators, sync and queues that runs unchanged on Node, Bun and Deno
 * (DESIGN §2: those layers support all three). No test runner: each runtime has its own, so this is a
 * plain program that prints one line per case, then `N passed, N failed`, and exits 1 on any failure.
 *
 *   node --import tsx test/smoke/run.ts dist/index.js
 *   bun test/smoke/run.ts dist/index.js
 *   deno run -A test/smoke/run.ts dist/index.js
 *
 * The argument is the entry to test (default: the built package, `dist/index.js`), imported dynamically so
 * every runtime loads the same published JavaScript without an import map.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type Lib = typeof import('asyncio-ts');

const entry = resolve(process.argv[2] ?? 'dist/index.js');
const lib = (await import(pathToFileURL(entry).href)) as Lib;
const cases: Array<[string, () => Promise<void>]> = [];
const smoke = (name: string, fn: () => Promise<void>): void => {
  cases.push([name, fn]);
};

smoke('gather runs tasks concurrently, results in argument order', async () => {
  const { run, gather, sleep } = lib;
  const result = await run(() =>
    gather(
      () => sleep(20, 'a'),
      () => sleep(5, 'b'),
      async () => 'c',
    ),
  );
  assert.deepEqual(result, ['a', 'b', 'c']);
});

smoke('a task that is cancelled while sleeping runs its finally and ends cancelled', async () => {
  const { run, createTask, sleep, CancelledError } = lib;
  await run(async () => {
    const steps: string[] = [];
    const task = createTask(async () => {
      try {
        await sleep(10_000);
      } finally {
        steps.push('finally');
      }
    });
    await sleep(1);
    assert.equal(task.cancel(), true);
    await assert.rejects(task, CancelledError);
    assert.ok(task.cancelled());
    assert.deepEqual(steps, ['finally']);
  });
});

smoke('the current task travels through awaits (AsyncLocalStorage)', async () => {
  const { run, createTask, currentTask, sleep } = lib;
  const names = await run(async () => {
    const inner = async (): Promise<string | undefined> => {
      await sleep(1);
      return currentTask()?.name;
    };
    return [await createTask(inner, { name: 'one' }), await createTask(inner, { name: 'two' })];
  });
  assert.deepEqual(names, ['one', 'two']);
});

smoke('timeout cancels the work and throws TimeoutError; currentSignal aborts', async () => {
  const { run, timeout, sleep, currentSignal, TimeoutError } = lib;
  await run(async () => {
    let signal: AbortSignal | undefined;
    await assert.rejects(
      timeout(10, async () => {
        signal = currentSignal();
        await sleep(10_000);
      }),
      TimeoutError,
    );
    assert.equal(signal?.aborted, true);
  });
});

smoke('a failing child of a task group cancels its siblings; the group rejects with that error', async () => {
  const { run, taskGroup, sleep } = lib;
  await run(async () => {
    let siblingCancelled = false;
    await assert.rejects(
      taskGroup(async (tg) => {
        tg.createTask(async () => {
          try {
            await sleep(10_000);
          } catch (e) {
            siblingCancelled = true;
            throw e;
          }
        });
        tg.createTask(async () => {
          await sleep(2);
          throw new Error('child failed');
        });
      }),
      { message: 'child failed' },
    );
    assert.ok(siblingCancelled);
  });
});

smoke('shield finishes its work when the caller is cancelled', async () => {
  const { run, createTask, shield, sleep } = lib;
  await run(async () => {
    let cleaned = false;
    const task = createTask(async () => {
      try {
        await sleep(10_000);
      } finally {
        await shield(async () => {
          await sleep(5);
          cleaned = true;
        });
      }
    });
    await sleep(1);
    task.cancel();
    await task.catch(() => undefined);
    assert.ok(cleaned);
  });
});

smoke('map keeps at most `concurrency` jobs running, results in input order', async () => {
  const { run, map, sleep } = lib;
  let running = 0;
  let peak = 0;
  const out = await run(() =>
    map(
      async (n: number) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(2);
        running--;
        return n * 2;
      },
      [1, 2, 3, 4, 5, 6, 7],
      { concurrency: 3 },
    ),
  );
  assert.deepEqual(out, [2, 4, 6, 8, 10, 12, 14]);
  assert.equal(peak, 3);
});

smoke('Lock is FIFO; a Semaphore never lets more than its value in', async () => {
  const { run, gather, Lock, Semaphore, sleep } = lib;
  await run(async () => {
    const lock = new Lock();
    const order: number[] = [];
    await gather(
      ...[0, 1, 2, 3].map(
        (i) => () =>
          lock.runExclusive(async () => {
            await sleep(1);
            order.push(i);
          }),
      ),
    );
    assert.deepEqual(order, [0, 1, 2, 3]);
    const sem = new Semaphore(2);
    let inside = 0;
    let peak = 0;
    await gather(
      ...[0, 1, 2, 3, 4].map(() => async () => {
        using _permit = await sem.acquire();
        inside++;
        peak = Math.max(peak, inside);
        await sleep(2);
        inside--;
      }),
    );
    assert.equal(peak, 2);
    assert.equal(sem.value, 2);
  });
});

smoke('a lock waiter cancelled after its grant hands the lock on (nothing lost to a race)', async () => {
  const { run, createTask, Lock, sleep, CancelledError } = lib;
  await run(async () => {
    const lock = new Lock();
    const permit = await lock.acquire();
    const first = createTask(() => lock.acquire());
    const second = createTask(async () => {
      const p = await lock.acquire();
      p.release();
      return 'second got it';
    });
    await sleep(1);
    permit.release();
    first.cancel();
    await assert.rejects(first, CancelledError);
    assert.equal(await second, 'second got it');
    assert.equal(lock.locked(), false);
  });
});

smoke('Event and Condition wake their waiters', async () => {
  const { run, createTask, Event, Condition, sleep } = lib;
  await run(async () => {
    const event = new Event();
    const waiter = createTask(() => event.wait());
    await sleep(1);
    event.set();
    await waiter;
    const cond = new Condition();
    let ready = false;
    const consumer = createTask(async () => {
      await cond.acquire();
      try {
        await cond.waitFor(() => ready);
        return 'woken';
      } finally {
        cond.release();
      }
    });
    await sleep(1);
    await cond.acquire();
    ready = true;
    cond.notifyAll();
    cond.release();
    assert.equal(await consumer, 'woken');
  });
});

smoke('Queue: backpressure at maxsize, join(), shutdown() ends for await', async () => {
  const { run, createTask, Queue, sleep } = lib;
  await run(async () => {
    const queue = new Queue<number>(2);
    const got: number[] = [];
    const consumer = createTask(async () => {
      for await (const item of queue) {
        await sleep(1);
        got.push(item);
        queue.taskDone();
      }
    });
    for (let i = 0; i < 6; i++) {
      await queue.put(i);
      assert.ok(queue.qsize() <= 2);
    }
    await queue.join();
    queue.shutdown();
    await consumer;
    assert.deepEqual(got, [0, 1, 2, 3, 4, 5]);
  });
});

smoke('PriorityQueue orders [priority, item] pairs; LifoQueue is last in, first out', async () => {
  const { run, PriorityQueue, LifoQueue } = lib;
  await run(async () => {
    const pq = new PriorityQueue<[number, string]>();
    for (const pair of [
      [3, 'c'],
      [1, 'a'],
      [2, 'b'],
    ] as Array<[number, string]>)
      pq.putNowait(pair);
    assert.deepEqual([(await pq.get())[1], (await pq.get())[1], (await pq.get())[1]], ['a', 'b', 'c']);
    const lifo = new LifoQueue<number>();
    lifo.putNowait(1);
    lifo.putNowait(2);
    assert.equal(await lifo.get(), 2);
  });
});

smoke('a task runs in a copy of its creator’s AsyncLocalStorage context', async () => {
  const { run, createTask, taskGroup, sleep } = lib;
  const { AsyncLocalStorage } = await import('node:async_hooks');
  const als = new AsyncLocalStorage<string>();
  const seen = await run(async () => {
    const a = als.run('alice', () =>
      createTask(async () => {
        await sleep(1);
        return als.getStore();
      }),
    );
    const b = als.run('bob', () => createTask(async () => als.getStore()));
    const leaky = createTask(async () => {
      als.enterWith('leak');
      return als.getStore();
    });
    const next = createTask(async () => als.getStore());
    const group = await taskGroup(async (tg) =>
      ['p', 'q'].map((v) => als.run(v, () => tg.createTask(async () => als.getStore()))),
    );
    return [await a, await b, await leaky, await next, ...group.map((t) => t.result())];
  });
  assert.deepEqual(seen, ['alice', 'bob', 'leak', undefined, 'p', 'q']);
});

let passed = 0;
let failed = 0;
for (const [name, fn] of cases) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (error) {
    failed++;
    console.log(
      `FAIL ${name}\n     ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
}
const runtime = 'Bun' in globalThis ? 'Bun' : 'Deno' in globalThis ? 'Deno' : `Node ${process.versions.node}`;
console.log(`${runtime}: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
