// Queue: every member and error path, and each race of CPython's Lib/test/test_asyncio/test_queues.py
// (named after the CPython test it ports), stepped with `await checkpoint()` (one event-loop turn: every
// task runs until it waits again).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import {
  CancelledError,
  checkpoint,
  createTask,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  sleep,
  TimeoutError,
  timeout,
  waitFor,
} from 'asyncio-ts';
import { assertNoTimers } from '../helpers/leaks.js';
import { checkSignalEndings } from '../helpers/signal-endings.js';
import { runVirtual } from '../helpers/virtual-time.js';

const isShutDown = (err: unknown) => err instanceof QueueShutDown;
const isCancelled = (err: unknown) => err instanceof CancelledError;

describe('Queue basics', () => {
  test('inspect shows one line: qsize, maxsize, unfinished, waiters when any, state when shut down', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>();
      assert.equal(inspect(q), '<Queue qsize=0 maxsize=0 unfinished=0>');
      const getter = createTask(() => q.get());
      await checkpoint();
      assert.equal(inspect(q), '<Queue qsize=0 maxsize=0 unfinished=0 getters=1>');
      q.putNowait(0);
      assert.equal(await getter, 0);

      const bounded = new Queue<number>(1);
      bounded.putNowait(1);
      const putter = createTask(() => bounded.put(2));
      await checkpoint();
      assert.equal(inspect(bounded), '<Queue qsize=1 maxsize=1 unfinished=1 putters=1>');
      bounded.getNowait();
      await putter;
      assert.equal(inspect(bounded), '<Queue qsize=1 maxsize=1 unfinished=2>');
      bounded.shutdown();
      assert.equal(inspect(bounded), '<Queue qsize=1 maxsize=1 unfinished=2 shut-down>');
      bounded.shutdown(true);
      assert.equal(inspect(bounded), '<Queue qsize=0 maxsize=1 unfinished=1 shut-down-immediate>');
    });
  });

  test('empty, full, qsize and maxsize (test_empty, test_full)', () => {
    const q = new Queue<number>();
    assert.equal(q.empty(), true);
    assert.equal(q.full(), false);
    q.putNowait(1);
    assert.equal(q.empty(), false);
    assert.equal(q.qsize(), 1);
    assert.equal(q.maxsize, 0);
    assert.equal(q.getNowait(), 1);
    assert.equal(q.empty(), true);

    const bounded = new Queue<number>(1);
    assert.equal(bounded.maxsize, 1);
    bounded.putNowait(1);
    assert.equal(bounded.full(), true);
    for (let i = 0; i < 1000; i++) q.putNowait(i); // an unbounded queue is never full
    assert.equal(q.full(), false);
    assert.equal(q.qsize(), 1000);
  });

  test('items come out in the order they were put, through growth of the ring buffer (test_order)', async () => {
    const q = new Queue<number>();
    for (const i of [1, 3, 2]) await q.put(i);
    assert.deepEqual([await q.get(), await q.get(), await q.get()], [1, 3, 2]);
    // Interleaved so that the ring buffer wraps and grows several times.
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < round; i++) q.putNowait(next++);
      for (let i = 0; i < round / 2; i++) out.push(q.getNowait());
    }
    while (!q.empty()) out.push(q.getNowait());
    assert.deepEqual(
      out,
      Array.from({ length: next }, (_, i) => i),
    );
  });

  test('undefined and null are items like any other', () => {
    const q = new Queue<undefined | null>();
    q.putNowait(undefined);
    q.putNowait(null);
    assert.equal(q.qsize(), 2);
    assert.equal(q.getNowait(), undefined);
    assert.equal(q.getNowait(), null);
    assert.throws(() => q.getNowait(), QueueEmpty);
  });

  test('a putter blocks once maxsize items are in (test_maxsize)', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>(2);
      const havePut: number[] = [];
      const putter = createTask(async () => {
        for (let i = 0; i < 3; i++) {
          await q.put(i);
          havePut.push(i);
        }
        return true;
      });
      await checkpoint();
      // The putter is blocked after putting two items.
      assert.deepEqual(havePut, [0, 1]);
      assert.equal(await q.get(), 0);
      // Let the putter resume and put the last item.
      await checkpoint();
      assert.deepEqual(havePut, [0, 1, 2]);
      assert.equal(await q.get(), 1);
      assert.equal(await q.get(), 2);
      assert.equal(putter.done(), true);
      assert.equal(await putter, true);
    });
  });

  test('statistics() is a snapshot of sizes, waiters and state', async () => {
    await runVirtual(async () => {
      const q = new Queue<string>(1);
      assert.deepEqual(q.statistics(), {
        qsize: 0,
        maxsize: 1,
        unfinishedTasks: 0,
        getters: 0,
        putters: 0,
        joiners: 0,
        state: 'open',
      });
      const getters = [createTask(() => q.get()), createTask(() => q.get())];
      await checkpoint();
      assert.equal(q.statistics().getters, 2);
      q.putNowait('a'); // reserved for the first getter, still in its slot until that getter takes it
      assert.throws(() => q.putNowait('b'), QueueFull);
      const putters = [createTask(() => q.put('b')), createTask(() => q.put('c'))];
      const joiner = createTask(() => q.join());
      await checkpoint();
      assert.deepEqual(await Promise.all(getters), ['a', 'b']);
      await putters[0];
      assert.deepEqual(q.statistics(), {
        qsize: 1,
        maxsize: 1,
        unfinishedTasks: 3,
        getters: 0,
        putters: 0,
        joiners: 1,
        state: 'open',
      });
      await putters[1];
      assert.equal(q.getNowait(), 'c');
      q.taskDone();
      q.taskDone();
      q.taskDone();
      await joiner;
      q.shutdown();
      assert.equal(q.statistics().state, 'shut-down');
    });
  });
});

describe('Queue.get', () => {
  test('get() on a non-empty queue settles before any macrotask and parks no waiter', async () => {
    const q = new Queue<number>();
    q.putNowait(1);
    const events: string[] = [];
    setImmediate(() => events.push('immediate'));
    const pending = q.get();
    assert.equal(q.statistics().getters, 0);
    assert.equal(await pending, 1);
    events.push('got');
    assert.deepEqual(events, ['got']);
    await assertNoTimers();
  });

  test('a get frees a slot for a waiting putter (test_get_with_putters, test_get_with_waiting_putters)', async () => {
    await runVirtual(async () => {
      const q = new Queue<string>(1);
      const putA = createTask(() => q.put('a'));
      const putB = createTask(() => q.put('b'));
      await checkpoint();
      assert.equal(putA.done(), true);
      assert.equal(putB.done(), false);
      assert.equal(await q.get(), 'a');
      assert.equal(await q.get(), 'b');
      await putB;
    });
  });

  test('get() waits until an item arrives (test_blocking_get_wait)', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>();
      let finished = false;
      const getter = createTask(async () => {
        const item = await q.get();
        finished = true;
        return item;
      });
      await checkpoint();
      await checkpoint();
      assert.equal(finished, false); // still waiting, however many turns pass
      createTask(() => q.putNowait(1)); // asyncio's test puts from a call_later callback
      assert.equal(await getter, 1);
      assert.equal(finished, true);
    });
  });

  test('getNowait() returns the head or throws QueueEmpty (test_nonblocking_get, _exception)', () => {
    const q = new Queue<number>();
    assert.throws(
      () => q.getNowait(),
      (err: unknown) => err instanceof QueueEmpty && err.code === 'ERR_QUEUE_EMPTY',
    );
    q.putNowait(1);
    assert.equal(q.getNowait(), 1);
  });

  test('a getter cancelled while waiting does not take the next item (test_get_cancelled_race)', async () => {
    await runVirtual(async () => {
      const q = new Queue<string>();
      const t1 = createTask(() => q.get());
      const t2 = createTask(() => q.get());
      await checkpoint(); // both wait
      t1.cancel();
      await checkpoint();
      assert.equal(t1.done(), true);
      await q.put('a');
      await checkpoint();
      assert.equal(await t2, 'a');
      await assert.rejects(async () => t1, isCancelled);
    });
  });

  test('a getter cancelled after an item was reserved for it leaves the item at the head (test_get_cancel_drop_one_pending_reader)', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>();
      const reader = createTask(() => q.get());
      await checkpoint(); // the reader waits
      // One turn: put 1 (wakes the reader with 1 reserved), put 2, cancel the reader before it resumes.
      q.putNowait(1);
      q.putNowait(2);
      reader.cancel();
      await assert.rejects(async () => reader, isCancelled);
      // If we got 2, 1 would have been dropped.
      assert.equal(await createTask(() => q.get()), 1);
      assert.equal(q.getNowait(), 2);
    });
  });

  test('the wake-up of a cancelled getter goes to the next getter (test_get_cancel_drop_many_pending_readers)', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>();
      const readers = [0, 1, 2].map(() => createTask(() => q.get()));
      await checkpoint();
      // One turn: 1 is reserved for reader 0, 2 for reader 1; reader 0 is cancelled before it resumes.
      q.putNowait(1);
      q.putNowait(2);
      readers[0]!.cancel();
      await assert.rejects(async () => readers[0]!, isCancelled);
      // Readers 1 and 2 get both items, in queue order (asyncio leaves the order among them undefined).
      assert.deepEqual([await readers[1]!, await readers[2]!], [1, 2]);
      assert.equal(q.qsize(), 0);
    });
  });

  test('an item reserved for a woken getter still takes its slot: given back, the queue is never over maxsize', async () => {
    await runVirtual(async () => {
      const q = new Queue<string>(1);
      const getter = createTask(() => q.get());
      await checkpoint();
      // One turn: 'a' is reserved for the getter (not in qsize()) but keeps its slot, so 'b' does not fit.
      q.putNowait('a');
      assert.equal(q.qsize(), 0);
      assert.equal(q.full(), true);
      assert.throws(() => q.putNowait('b'), QueueFull);
      getter.cancel(); // before it resumed: 'a' goes back to the head
      await assert.rejects(async () => getter, isCancelled);
      assert.equal(q.qsize(), 1);
      const putter = createTask(() => q.put('b'));
      await checkpoint();
      assert.equal(putter.done(), false); // still full: 'b' waits
      assert.equal(q.getNowait(), 'a');
      await putter;
      assert.equal(q.qsize(), 1);
      assert.equal(q.getNowait(), 'b');
    });
  });

  test('a getter whose signal aborts after its item was reserved hands it on', async () => {
    await runVirtual(async () => {
      const q = new Queue<string>();
      const controller = new AbortController();
      const first = createTask(() => q.get({ signal: controller.signal }));
      const second = createTask(() => q.get());
      await checkpoint();
      q.putNowait('x'); // reserved for `first`
      const reason = new Error('changed my mind');
      controller.abort(reason);
      await assert.rejects(
        async () => first,
        (err: unknown) => err === reason,
      );
      assert.equal(await second, 'x');
    });
  });

  test('a producer and a consumer through Queue(1) finish (test_why_are_getters_waiting)', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>(1);
      const n = 5;
      const consumer = createTask(async () => {
        const got: number[] = [];
        for (let i = 0; i < n; i++) got.push(await q.get());
        return got;
      });
      createTask(async () => {
        for (let i = 0; i < n; i++) await q.put(i);
      });
      assert.deepEqual(await consumer, [0, 1, 2, 3, 4]);
    });
  });

  test('a timed-out get leaves no getter behind (test_cancelled_getters_not_being_held_in_self_getters)', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>(5);
      await assert.rejects(
        waitFor(() => q.get(), 10),
        (err: unknown) => err instanceof TimeoutError,
      );
      assert.equal(q.statistics().getters, 0);
      await assert.rejects(
        timeout(5, () => q.get()),
        (err: unknown) => err instanceof TimeoutError,
      );
      assert.equal(q.statistics().getters, 0);
      q.putNowait(1);
      assert.equal(q.getNowait(), 1); // nothing stale took it
    });
    await assertNoTimers();
  });

  test('waiting getters are served first come, first served', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>();
      const order: string[] = [];
      const getters = ['g0', 'g1', 'g2'].map((name) =>
        createTask(async () => {
          const item = await q.get();
          order.push(`${name}:${item}`);
        }),
      );
      await checkpoint();
      for (let i = 0; i < 3; i++) q.putNowait(i);
      await Promise.all(getters);
      assert.deepEqual(order, ['g0:0', 'g1:1', 'g2:2']);
    });
  });

  test('outside every task a waiting get resolves as soon as an item is put', async () => {
    const q = new Queue<string>();
    const pending = q.get();
    q.putNowait('direct');
    assert.equal(q.qsize(), 0);
    assert.equal(await pending, 'direct');
  });
});

describe('Queue.put', () => {
  test('put() on a non-full queue settles without allocating: one shared resolved promise', async () => {
    const q = new Queue<number>();
    const first = q.put(1);
    const second = q.put(2);
    assert.equal(first, second);
    await first;
    assert.equal(q.qsize(), 2);
    const events: string[] = [];
    setImmediate(() => events.push('immediate'));
    await q.put(3);
    events.push('put');
    assert.deepEqual(events, ['put']);
    await assertNoTimers();
  });

  test('put() waits while the queue is full (test_blocking_put_wait)', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>(1);
      let finished = false;
      const putter = createTask(async () => {
        await q.put(1);
        await q.put(2);
        finished = true;
      });
      await checkpoint();
      await checkpoint();
      assert.equal(finished, false); // blocked on the second put
      createTask(() => q.getNowait());
      await putter;
      assert.equal(finished, true);
      assert.equal(q.getNowait(), 2);
    });
  });

  test('putNowait() adds or throws QueueFull (test_nonblocking_put, _exception)', () => {
    const q = new Queue<number>(1);
    q.putNowait(1);
    assert.throws(
      () => q.putNowait(2),
      (err: unknown) => err instanceof QueueFull && err.code === 'ERR_QUEUE_FULL',
    );
    assert.equal(q.qsize(), 1);
  });

  test('a putter cancelled after a slot was promised to it adds nothing (test_put_cancel_drop)', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>(1);
      q.putNowait(1);
      const writer = createTask(() => q.put(2));
      await checkpoint(); // the writer waits: the queue is full
      // One turn: get 1 (promises the free slot to the writer), then cancel the writer before it resumes.
      assert.equal(q.getNowait(), 1);
      writer.cancel();
      await assert.rejects(async () => writer, isCancelled);
      assert.equal(q.qsize(), 0); // 2 was not added
      await createTask(() => q.put(2)); // try again
      assert.equal(q.getNowait(), 2);
      assert.equal(q.qsize(), 0);
    });
  });

  test('a promised slot of a cancelled putter goes to the next putter (test_cancelled_put_silence_value_error_exception)', async () => {
    await runVirtual(async () => {
      const q = new Queue<string>(1);
      q.putNowait('first');
      const cancelled = createTask(() => q.put('dropped'));
      const next = createTask(() => q.put('second'));
      await checkpoint();
      // One turn: the slot freed by getNowait is promised to `cancelled`, which is then cancelled.
      q.getNowait();
      cancelled.cancel();
      await assert.rejects(async () => cancelled, isCancelled);
      await next;
      assert.equal(q.getNowait(), 'second');
      assert.throws(() => q.getNowait(), QueueEmpty);
      assert.equal(q.statistics().unfinishedTasks, 2);
    });
  });

  test('a putter cancelled while waiting does not block the others (test_put_cancelled_race)', async () => {
    await runVirtual(async () => {
      const q = new Queue<string>(1);
      const putA = createTask(() => q.put('a'));
      const putB = createTask(() => q.put('b'));
      const putC = createTask(() => q.put('X'));
      await checkpoint();
      assert.equal(putA.done(), true);
      assert.equal(putB.done(), false);
      putC.cancel();
      await checkpoint();
      assert.equal(putC.done(), true);
      assert.equal(q.getNowait(), 'a');
      await checkpoint();
      assert.equal(q.getNowait(), 'b');
      await putB;
      assert.equal(q.qsize(), 0);
    });
  });

  test('a put wakes a waiting getter (test_put_with_waiting_getters, test_put_cancelled)', async () => {
    await runVirtual(async () => {
      const q = new Queue<string>();
      const getter = createTask(() => q.get());
      await checkpoint();
      await q.put('a');
      assert.equal(await getter, 'a');
    });
  });

  test('four putters into Queue(2) all finish once a getter drains it (test_why_are_putters_waiting)', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>(2);
      const putters = [0, 1, 2, 3].map((i) => createTask(() => q.put(i)));
      const got: number[] = [];
      const getter = createTask(async () => {
        await checkpoint();
        while (got.length < 4) got.push(await q.get());
      });
      await Promise.all([...putters, getter]);
      assert.deepEqual(got, [0, 1, 2, 3]);
    });
  });

  test('a cancelled putter leaves the waiting list (test_cancelled_puts_not_being_held_in_self_putters)', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>(1);
      q.putNowait(1);
      const putter = createTask(() => q.put(1));
      await checkpoint();
      assert.equal(q.statistics().putters, 1);
      putter.cancel();
      await assert.rejects(async () => putter, isCancelled);
      assert.equal(q.statistics().putters, 0);
      assert.equal(q.qsize(), 1);
    });
  });

  test('putNowait cannot overtake a slot promised to a waiting putter', async () => {
    await runVirtual(async () => {
      const q = new Queue<string>(1);
      q.putNowait('a');
      const putter = createTask(() => q.put('waited'));
      await checkpoint();
      q.getNowait(); // the free slot is promised to `putter`
      assert.equal(q.full(), true);
      assert.throws(() => q.putNowait('late'), QueueFull);
      await putter;
      assert.equal(q.getNowait(), 'waited');
    });
  });

  test('waiting putters are served first come, first served', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>(1);
      q.putNowait(-1);
      const putters = [0, 1, 2].map((i) => createTask(() => q.put(i)));
      await checkpoint();
      const got: number[] = [];
      for (let i = 0; i < 4; i++) {
        got.push(q.getNowait());
        await checkpoint();
      }
      await Promise.all(putters);
      assert.deepEqual(got, [-1, 0, 1, 2]);
    });
  });
});

describe('Queue cancellation and signals', () => {
  test('get, put and join in a cancelled scope reject at once and change nothing', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>();
      q.putNowait(1);
      // Cancellation is level-triggered: in the catch block the task is still cancelled.
      const inner = createTask(async () => {
        try {
          await sleep(60_000);
        } catch {
          return Promise.allSettled([q.get(), q.put(2), q.join()]);
        }
        return [];
      });
      await checkpoint();
      inner.cancel();
      const results = await inner;
      assert.deepEqual(
        results.map((r) => r.status === 'rejected' && r.reason instanceof CancelledError),
        [true, true, true],
      );
      assert.equal(q.qsize(), 1); // nothing taken, nothing added
      assert.equal(q.getNowait(), 1);
    });
  });

  test('{ signal } rejects get, put and join with its reason, at once if already aborted', async () => {
    const q = new Queue<number>(1);
    const reason = new Error('stop');
    const aborted = AbortSignal.abort(reason);
    const isReason = (err: unknown) => err === reason;
    await assert.rejects(q.get({ signal: aborted }), isReason);
    await assert.rejects(q.put(1, { signal: aborted }), isReason);
    await assert.rejects(q.join({ signal: aborted }), isReason);
    assert.equal(q.qsize(), 0);

    const controller = new AbortController();
    const getting = q.get({ signal: controller.signal });
    assert.equal(q.statistics().getters, 1);
    controller.abort(reason);
    await assert.rejects(getting, isReason);
    assert.equal(q.statistics().getters, 0);

    q.putNowait(1);
    const again = new AbortController();
    const putting = q.put(2, { signal: again.signal });
    const joining = q.join({ signal: again.signal });
    assert.deepEqual([q.statistics().putters, q.statistics().joiners], [1, 1]);
    again.abort(reason);
    await assert.rejects(putting, isReason);
    await assert.rejects(joining, isReason);
    assert.deepEqual([q.statistics().putters, q.statistics().joiners, q.qsize()], [0, 0, 1]);
  });

  test('{ signal }: get, put and join (of each kind of queue) let go of the signal however they end', async () => {
    for (const Kind of [Queue, LifoQueue, PriorityQueue]) {
      for (const call of ['get', 'put', 'join', 'shut down'] as const) {
        await checkSignalEndings(() => {
          const q = new Kind<number>(1);
          if (call !== 'get' && call !== 'shut down') q.putNowait(1);
          return {
            wait: (signal) =>
              call === 'put'
                ? q.put(2, { signal })
                : call === 'join'
                  ? q.join({ signal })
                  : q.get({ signal }),
            release: () => {
              if (call === 'get') q.putNowait(3);
              else if (call === 'put') q.getNowait();
              else if (call === 'join') {
                q.getNowait();
                q.taskDone();
              } else q.shutdown(); // the getter rejects with QueueShutDown
            },
          };
        });
      }
    }
  });

  test('a cancelled task that iterates the queue loses no item', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>();
      const seen: number[] = [];
      const consumer = createTask(async () => {
        for await (const item of q) seen.push(item);
      });
      await checkpoint();
      q.putNowait(1);
      await checkpoint();
      q.putNowait(2); // reserved for the consumer's pending get...
      consumer.cancel(); // ...which is cancelled before it resumes
      await assert.rejects(async () => consumer, isCancelled);
      assert.deepEqual(seen, [1]);
      assert.equal(q.getNowait(), 2);
    });
  });
});

describe('Queue.taskDone and join', () => {
  test('taskDone() more often than items were put is a RangeError (test_task_done_underflow)', () => {
    const q = new Queue<number>();
    assert.throws(() => q.taskDone(), { name: 'RangeError', message: /Queue\.taskDone/ });
    q.putNowait(1);
    q.taskDone();
    assert.throws(() => q.taskDone(), RangeError);
  });

  test('join() resolves once every item got its taskDone() (test_task_done)', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>();
      for (let i = 0; i < 100; i++) q.putNowait(i);
      let sum = 0;
      const workers = [0, 1].map(() =>
        createTask(async () => {
          for (;;) {
            const item = await q.get();
            await checkpoint();
            sum += item;
            q.taskDone();
          }
        }),
      );
      await q.join();
      assert.equal(sum, 4950);
      for (const worker of workers) worker.cancel();
    });
  });

  test('join() on a queue with nothing unfinished resolves at once, twice (test_join_empty_queue)', async () => {
    const q = new Queue<number>();
    const events: string[] = [];
    setImmediate(() => events.push('immediate'));
    await q.join();
    await q.join();
    events.push('joined');
    assert.deepEqual(events, ['joined']);
    await assertNoTimers();
  });

  test('join() waits for the last taskDone(), not for the queue to be empty', async () => {
    await runVirtual(async () => {
      const q = new Queue<string>();
      q.putNowait('a');
      q.putNowait('b');
      const joiners = [createTask(() => q.join()), createTask(() => q.join())];
      await checkpoint();
      q.getNowait();
      q.getNowait();
      q.taskDone();
      await checkpoint();
      assert.deepEqual(
        joiners.map((j) => j.done()),
        [false, false],
      );
      joiners[0]!.cancel(); // a cancelled joiner leaves; the other keeps waiting
      await checkpoint();
      assert.equal(q.statistics().joiners, 1);
      q.taskDone();
      await joiners[1];
      await assert.rejects(async () => joiners[0]!, isCancelled);
    });
  });
});

describe('Queue async iteration', () => {
  test('for await yields until the queue is shut down and drained', async () => {
    await runVirtual(async () => {
      const q = new Queue<number>(2);
      const seen: number[] = [];
      const consumer = createTask(async () => {
        for await (const item of q) {
          seen.push(item);
          q.taskDone();
        }
        return 'ended';
      });
      for (let i = 0; i < 5; i++) await q.put(i);
      await q.join();
      q.shutdown();
      assert.equal(await consumer, 'ended');
      assert.deepEqual(seen, [0, 1, 2, 3, 4]);
    });
  });

  test('for await ends at once after shutdown(true); break leaves the rest in the queue', async () => {
    const q = new Queue<number>();
    for (let i = 0; i < 3; i++) q.putNowait(i);
    for await (const item of q) {
      assert.equal(item, 0);
      break;
    }
    assert.equal(q.qsize(), 2);
    q.shutdown(true);
    const seen: number[] = [];
    for await (const item of q) seen.push(item);
    assert.deepEqual(seen, []);
  });
});

// asyncio 3.13's shutdown tests (_QueueShutdownTestMixin), for the three queue classes, plus the races of
// shutdown with grants made but not yet delivered.
for (const QueueClass of [Queue, LifoQueue, PriorityQueue]) {
  const name = QueueClass.name;
  const make = (maxsize = 0) => new QueueClass<string>(maxsize);

  describe(`${name}.shutdown`, () => {
    test('an empty queue: waiting getters and later calls raise QueueShutDown (test_shutdown_empty)', async () => {
      await runVirtual(async () => {
        const q = make();
        const getter = createTask(() => q.get());
        await checkpoint(); // the getter is pending before the shutdown
        q.shutdown();
        assert.equal(q.qsize(), 0);
        await q.join();
        await assert.rejects(async () => getter, isShutDown);
        await assert.rejects(q.put('data'), isShutDown);
        assert.throws(
          () => q.putNowait('data'),
          (err: unknown) => isShutDown(err) && (err as QueueShutDown).code === 'ERR_QUEUE_SHUT_DOWN',
        );
        await assert.rejects(q.get(), isShutDown);
        assert.throws(() => q.getNowait(), QueueShutDown);
      });
    });

    test('a non-empty queue: waiting putters raise, the items left can still be got (test_shutdown_nonempty)', async () => {
      await runVirtual(async () => {
        const q = make(1);
        q.putNowait('data');
        const joiner = createTask(() => q.join());
        const putter = createTask(() => q.put('data2'));
        await checkpoint();
        assert.equal(putter.done(), false);
        q.shutdown();
        assert.equal(q.qsize(), 1);
        await assert.rejects(async () => putter, isShutDown);
        assert.equal(await q.get(), 'data');
        await checkpoint();
        assert.equal(joiner.done(), false);
        await assert.rejects(q.put('data'), isShutDown);
        assert.throws(() => q.putNowait('data'), QueueShutDown);
        await assert.rejects(q.get(), isShutDown);
        assert.throws(() => q.getNowait(), QueueShutDown);
        q.taskDone(); // the one unfinished item
        await joiner;
        assert.throws(() => q.taskDone(), RangeError);
      });
    });

    test('immediate: the items are dropped and count as done (test_shutdown_immediate)', async () => {
      await runVirtual(async () => {
        const q = make();
        q.putNowait('data');
        const joiner = createTask(() => q.join());
        await checkpoint();
        q.shutdown(true);
        assert.equal(q.qsize(), 0);
        await joiner;
        await assert.rejects(q.put('data'), isShutDown);
        assert.throws(() => q.putNowait('data'), QueueShutDown);
        await assert.rejects(q.get(), isShutDown);
        assert.throws(() => q.getNowait(), QueueShutDown);
        assert.throws(() => q.taskDone(), RangeError);
      });
    });

    test('immediate: items already got still need their taskDone() (test_shutdown_immediate_with_unfinished)', async () => {
      await runVirtual(async () => {
        const q = make();
        q.putNowait('data');
        q.putNowait('data');
        const joiner = createTask(() => q.join());
        assert.equal(await q.get(), 'data');
        q.shutdown(true); // unfinished: 2 -> 1
        assert.equal(q.qsize(), 0);
        await checkpoint();
        assert.equal(joiner.done(), false);
        await assert.rejects(q.put('data'), isShutDown);
        await assert.rejects(q.get(), isShutDown);
        q.taskDone();
        assert.throws(() => q.taskDone(), RangeError);
        await joiner;
      });
    });

    test('state goes open -> shut-down -> shut-down-immediate, never back (test_shutdown_allowed_transitions)', () => {
      const q = make();
      assert.equal(q.statistics().state, 'open');
      assert.doesNotMatch(inspect(q), /open|shut-down/);
      q.shutdown();
      assert.equal(q.statistics().state, 'shut-down');
      assert.match(inspect(q), new RegExp(`^<${name} .* shut-down>$`));
      q.shutdown();
      assert.equal(q.statistics().state, 'shut-down');
      q.shutdown(true);
      assert.equal(q.statistics().state, 'shut-down-immediate');
      q.shutdown(false);
      assert.equal(q.statistics().state, 'shut-down-immediate');
      assert.match(inspect(q), / shut-down-immediate>$/);
    });

    for (const immediate of [false, true]) {
      test(`all methods in one task after shutdown(${immediate}) (test_shutdown${immediate ? '_immediate' : ''}_all_methods_in_one_task)`, async () => {
        const q = make();
        await q.put('L');
        q.putNowait('O');
        q.shutdown(immediate);
        await assert.rejects(q.put('E'), isShutDown);
        assert.throws(() => q.putNowait('W'), QueueShutDown);
        if (immediate) {
          await assert.rejects(q.get(), isShutDown);
          assert.throws(() => q.getNowait(), QueueShutDown);
          assert.throws(() => q.taskDone(), RangeError); // both items were dropped and counted as done
          await q.join();
        } else {
          assert.match(await q.get(), /^[LO]$/);
          q.taskDone();
          assert.match(q.getNowait(), /^[LO]$/);
          q.taskDone();
          await q.join();
          await assert.rejects(q.get(), isShutDown);
          assert.throws(() => q.getNowait(), QueueShutDown);
        }
      });
    }

    test('a putter promised a slot and not yet resumed raises QueueShutDown and adds nothing', async () => {
      await runVirtual(async () => {
        const q = make(1);
        q.putNowait('a');
        const putter = createTask(() => q.put('b'));
        await checkpoint();
        // One turn: the slot freed by getNowait is promised to the putter, then the queue shuts down.
        q.getNowait();
        q.shutdown();
        await assert.rejects(async () => putter, isShutDown);
        assert.equal(q.qsize(), 0);
        assert.equal(q.statistics().unfinishedTasks, 1);
      });
    });

    test('a getter woken before shutdown() still gets its item', async () => {
      await runVirtual(async () => {
        const q = make();
        const getter = createTask(() => q.get());
        await checkpoint();
        q.putNowait('kept'); // reserved for the getter
        q.shutdown();
        assert.equal(await getter, 'kept');
      });
    });

    test('a getter woken before shutdown(true) raises QueueShutDown; its item was dropped', async () => {
      await runVirtual(async () => {
        const q = make();
        const getter = createTask(() => q.get());
        const joiner = createTask(() => q.join());
        await checkpoint();
        q.putNowait('dropped'); // reserved for the getter, not delivered yet
        q.shutdown(true);
        assert.equal(q.qsize(), 0);
        await assert.rejects(async () => getter, isShutDown);
        await joiner; // the dropped item counts as done
        assert.equal(q.statistics().unfinishedTasks, 0);
      });
    });
  });
}

describe('Queue argument checks', () => {
  test('maxsize must be an integer >= 0', () => {
    assert.throws(() => new Queue(-1), {
      name: 'RangeError',
      message: /Queue: maxsize must be an integer >= 0, received -1/,
    });
    assert.throws(() => new Queue(1.5), { name: 'RangeError', message: /maxsize.*1\.5/ }); // asyncio accepts floats
    assert.throws(() => new Queue(Number.POSITIVE_INFINITY), RangeError);
    assert.throws(() => new Queue('2' as never), { name: 'TypeError', message: /maxsize.*string "2"/ });
  });

  test('options and shutdown arguments are checked, naming the method', () => {
    const q = new Queue<number>();
    assert.throws(() => q.get(1 as never), {
      name: 'TypeError',
      message: /Queue\.get: options must be an object/,
    });
    assert.throws(() => q.put(1, { signal: 'x' as never }), {
      name: 'TypeError',
      message: /Queue\.put: options\.signal must be an AbortSignal/,
    });
    assert.throws(() => q.join(null as never), { name: 'TypeError', message: /Queue\.join: options/ });
    assert.throws(() => q.shutdown('yes' as never), {
      name: 'TypeError',
      message: /Queue\.shutdown: immediate must be a boolean, received string "yes"/,
    });
    assert.equal(q.statistics().state, 'open');
  });
});
