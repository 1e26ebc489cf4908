import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import {
  Barrier,
  BrokenBarrierError,
  CancelledError,
  checkpoint,
  createTask,
  gather,
  run,
  type Task,
} from 'asyncio-ts';
import { checkSignalEndings } from '../helpers/signal-endings.js';

const N = 5;

function spawnN<T>(n: number, fn: () => Promise<T>): Task<T>[] {
  return Array.from({ length: n }, () => createTask(fn));
}

test('test_barrier_parties: parties must be an integer >= 1', () => {
  assert.throws(() => new Barrier(0), /Barrier: parties must be an integer >= 1, received 0/);
  assert.throws(() => new Barrier(-4), RangeError);
  assert.throws(() => new Barrier(2.5), RangeError);
  assert.throws(() => new Barrier('3' as never), TypeError);
  assert.equal(new Barrier(N).parties, N);
});

test('all parties pass together with distinct indices 0..parties-1 (test_context_manager)', async () => {
  await run(async () => {
    const barrier = new Barrier(3);
    const results = await gather(...spawnN(3, () => barrier.wait()));
    assert.deepEqual([...results].sort(), [0, 1, 2]);
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

test('the last to arrive gets parties - 1 and does not wait', async () => {
  const barrier = new Barrier(2);
  const first = barrier.wait();
  let immediateRan = false;
  setImmediate(() => {
    immediateRan = true;
  });
  assert.equal(await barrier.wait(), 1);
  assert.equal(immediateRan, false);
  assert.equal(await first, 0);
});

test('test_filling_one_task and _twice: Barrier(1) passes at once, every time', async () => {
  const barrier = new Barrier(1);
  assert.equal(await barrier.wait(), 0);
  assert.equal(await barrier.wait(), 0);
  assert.equal(barrier.nWaiting, 0);
  assert.equal(barrier.broken, false);
});

test('test_filling_task_by_task: nWaiting counts arrivals', async () => {
  await run(async () => {
    const barrier = new Barrier(3);
    const t1 = createTask(() => barrier.wait());
    await checkpoint();
    assert.equal(barrier.nWaiting, 1);
    const t2 = createTask(() => barrier.wait());
    await checkpoint();
    assert.equal(barrier.nWaiting, 2);
    const t3 = createTask(() => barrier.wait());
    await gather(t1, t2, t3);
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

test('test_filling_tasks_wait_twice and _check_return_value: the barrier is reusable round after round', async () => {
  await run(async () => {
    const barrier = new Barrier(N);
    const first: boolean[] = [];
    const second: number[] = [];
    await gather(
      ...spawnN(N, async () => {
        await barrier.wait();
        first.push(true);
        const i = await barrier.wait();
        second.push(i);
      }),
    );
    assert.equal(first.length, N);
    assert.deepEqual(second.sort(), [0, 1, 2, 3, 4]);
    assert.equal(barrier.nWaiting, 0);
  });
});

test('test_blocking_tasks_while_draining: early re-waiters form the next round, not this one', async () => {
  await run(async () => {
    const rewait = 2;
    const barrier = new Barrier(N);
    const barrierNoWaiting = new Barrier(N - rewait);
    let rewaitN = rewait;
    await gather(
      ...spawnN(N, async () => {
        await barrier.wait();
        if (rewaitN > 0) {
          rewaitN--;
          await barrier.wait();
        } else {
          await barrierNoWaiting.wait();
          await barrier.wait();
        }
      }),
    );
    assert.equal(barrier.nWaiting, 0);
  });
});

test('test_filling_tasks_cancel_one: a cancelled waiter leaves and the barrier keeps filling', async () => {
  await run(async () => {
    const barrier = new Barrier(3);
    const results: boolean[] = [];
    const coro = async () => {
      await barrier.wait();
      results.push(true);
    };
    const t1 = createTask(coro);
    await checkpoint();
    assert.equal(barrier.nWaiting, 1);
    const t2 = createTask(coro);
    await checkpoint();
    assert.equal(barrier.nWaiting, 2);
    t1.cancel();
    await checkpoint();
    assert.equal(barrier.nWaiting, 1);
    await assert.rejects(Promise.resolve(t1), CancelledError);
    const t3 = createTask(coro);
    await checkpoint();
    assert.equal(barrier.nWaiting, 2);
    const t4 = createTask(coro);
    await gather(t2, t3, t4);
    assert.equal(results.length, 3);
    assert.equal(barrier.broken, false);
  });
});

test('indices stay distinct when an earlier waiter was cancelled', async () => {
  await run(async () => {
    const barrier = new Barrier(3);
    const a = createTask(() => barrier.wait());
    const b = createTask(() => barrier.wait());
    await checkpoint();
    a.cancel();
    await checkpoint();
    const c = createTask(() => barrier.wait());
    const d = createTask(() => barrier.wait());
    const indices = await gather(b, c, d);
    assert.deepEqual([...indices].sort(), [0, 1, 2]);
  });
});

test('test_reset_barrier: reset() of an empty barrier', () => {
  const barrier = new Barrier(1);
  barrier.reset();
  assert.equal(barrier.nWaiting, 0);
  assert.equal(barrier.broken, false);
});

test('test_reset_barrier_while_tasks_waiting: waiters get BrokenBarrierError, the barrier stays usable', async () => {
  await run(async () => {
    const barrier = new Barrier(N);
    const results: boolean[] = [];
    const tasks = spawnN(N - 1, async () => {
      try {
        await barrier.wait();
      } catch (err) {
        if (err instanceof BrokenBarrierError) results.push(true);
      }
    });
    await checkpoint();
    barrier.reset();
    await gather(...tasks);
    assert.equal(results.length, N - 1);
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
    assert.equal(await new Barrier(1).wait(), 0);
  });
});

test('test_reset_barrier_while_tasks_waiting_and_waiting_again', async () => {
  await run(async () => {
    const barrier = new Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const tasks = spawnN(N - 1, async () => {
      try {
        await barrier.wait();
      } catch (err) {
        if (err instanceof BrokenBarrierError) results1.push(true);
      } finally {
        await barrier.wait();
        results2.push(true);
      }
    });
    await checkpoint();
    barrier.reset();
    await checkpoint();
    createTask(async () => {
      await barrier.wait();
      results2.push(true);
    });
    await gather(...tasks);
    await checkpoint();
    assert.equal(barrier.broken, false);
    assert.equal(results1.length, N - 1);
    assert.equal(results2.length, N);
    assert.equal(barrier.nWaiting, 0);
  });
});

test('test_reset_barrier_while_tasks_draining: a reset right after a round breaks those already in the next', async () => {
  // Five parties pass round one. Four of them resume first and already wait in round two when the fifth
  // resets the barrier: they get BrokenBarrierError, and then all five meet again in a fresh round.
  // asyncio blocks arrivals until every party of the last round has left wait() ("draining"), so there its
  // four are not yet waiting and the reset breaks nobody. Here a round opens atomically: there is no
  // draining state, and a party that waits again is in the next round at once.
  await run(async () => {
    const barrier = new Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const results3: boolean[] = [];
    let count = 0;
    await gather(
      ...spawnN(N, async () => {
        await barrier.wait();
        count++;
        if (count === N) {
          assert.equal(barrier.nWaiting, N - 1);
          barrier.reset();
        } else {
          try {
            await barrier.wait();
            results1.push(true);
          } catch (err) {
            if (!(err instanceof BrokenBarrierError)) throw err;
            results2.push(true);
          }
        }
        await barrier.wait();
        results3.push(true);
      }),
    );
    assert.equal(results1.length, 0);
    assert.equal(results2.length, N - 1);
    assert.equal(results3.length, N);
    assert.equal(barrier.broken, false);
    assert.equal(barrier.nWaiting, 0);
  });
});

test('test_abort_barrier: abort() breaks it; later waits reject until reset()', async () => {
  const barrier = new Barrier(1);
  barrier.abort();
  assert.equal(barrier.nWaiting, 0);
  assert.equal(barrier.broken, true);
  await assert.rejects(barrier.wait(), (err: unknown) => err instanceof BrokenBarrierError);
  barrier.reset();
  assert.equal(barrier.broken, false);
  assert.equal(await barrier.wait(), 0);
});

test('test_abort_barrier_when_exception: one party fails and aborts; the others get BrokenBarrierError', async () => {
  await run(async () => {
    const barrier = new Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    await gather(
      ...spawnN(N, async () => {
        try {
          const i = await barrier.wait();
          if (i === Math.floor(N / 2)) throw new RangeError('party failed');
          await barrier.wait();
          results1.push(true);
        } catch (err) {
          if (err instanceof BrokenBarrierError) results2.push(true);
          else if (err instanceof RangeError) barrier.abort();
          else throw err;
        }
      }),
    );
    assert.equal(barrier.broken, true);
    assert.equal(results1.length, 0);
    assert.equal(results2.length, N - 1);
    assert.equal(barrier.nWaiting, 0);
  });
});

test('test_abort_barrier_when_exception_then_resetting', async () => {
  await run(async () => {
    const barrier1 = new Barrier(N);
    const barrier2 = new Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const results3: boolean[] = [];
    await gather(
      ...spawnN(N, async () => {
        try {
          const i = await barrier1.wait();
          if (i === Math.floor(N / 2)) throw new RangeError('party failed');
          await barrier1.wait();
          results1.push(true);
        } catch (err) {
          if (err instanceof BrokenBarrierError) results2.push(true);
          else if (err instanceof RangeError) barrier1.abort();
          else throw err;
        }
        const i = await barrier2.wait();
        if (i === Math.floor(N / 2)) barrier1.reset();
        await barrier2.wait();
        await barrier1.wait();
        results3.push(true);
      }),
    );
    assert.equal(barrier1.broken, false);
    assert.equal(results1.length, 0);
    assert.equal(results2.length, N - 1);
    assert.equal(results3.length, N);
  });
});

test('wait() accepts { signal }; an aborted waiter no longer counts', async () => {
  const barrier = new Barrier(2);
  await assert.rejects(barrier.wait({ signal: AbortSignal.abort(new Error('pre')) }), /pre/);
  const controller = new AbortController();
  const w = barrier.wait({ signal: controller.signal });
  assert.equal(barrier.nWaiting, 1);
  controller.abort(new Error('left'));
  await assert.rejects(w, /left/);
  assert.equal(barrier.nWaiting, 0);
});

test('statistics, inspect and label', async () => {
  await run(async () => {
    const barrier = new Barrier(3);
    const t = createTask(() => barrier.wait());
    await checkpoint();
    assert.deepEqual(barrier.statistics(), { parties: 3, nWaiting: 1, broken: false });
    assert.equal(inspect(barrier), '<Barrier parties=3 waiting=1 broken=false>');
    assert.equal(t.waiterHead?.label, 'Barrier.wait');
    barrier.abort();
    await assert.rejects(Promise.resolve(t), BrokenBarrierError);
    assert.equal(inspect(barrier), '<Barrier parties=3 waiting=0 broken=true>');
  });
});

test('{ signal }: wait lets go of the signal however it ends (the last party arriving, or reset)', async () => {
  for (const release of ['last party', 'reset'] as const) {
    await checkSignalEndings(() => {
      const barrier = new Barrier(2);
      return {
        wait: (signal) => barrier.wait({ signal }),
        release: () => (release === 'reset' ? barrier.reset() : void barrier.wait()),
      };
    });
  }
});
