// ThreadPoolExecutor on real worker threads. Ordering is shown by shared flags (a job that waits for a flag
// another job sets), never by elapsed time; every wait in a job is bounded (see fixtures/jobs.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { CancelledError, createTask, InvalidStateError, run, sleep } from 'asyncio-ts';
import { activeWorkerCount, ThreadPoolExecutor, WorkerCrashedError } from 'asyncio-ts/executor';
import { closeAndCheck, job, release, sharedFlags, until } from './fixtures/helpers.js';
import { MAX_RUNNING, RAN, STARTED } from './fixtures/jobs.js';

describe('ThreadPoolExecutor: parallelism and order', () => {
  test('two jobs run at the same time (each waits for a flag the other sets)', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
    const flags = sharedFlags();
    const [a, b] = await Promise.all([
      executor.runJob(job('rendezvous'), [flags, 0, 1]),
      executor.runJob(job('rendezvous'), [flags, 1, 0]),
    ]);
    assert.notEqual(a, 'timed-out');
    assert.notEqual(b, 'timed-out');
    await closeAndCheck(executor);
  });
});

describe('ThreadPoolExecutor: queue and cancellation', () => {
  // One single-thread executor for the group: a test that kills its thread also shows the pool recovers.
  let executor: ThreadPoolExecutor;
  before(() => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
  });
  after(() => closeAndCheck(executor));

  test('jobs beyond maxWorkers wait in FIFO order', async () => {
    const flags = sharedFlags();
    const first = executor.runJob(job('holdUntilReleased'), [flags]);
    const order: number[] = [];
    const rest = [1, 2, 3].map((n) => executor.runJob((x: number) => x, [n]).then((v) => order.push(v)));
    await until(flags, STARTED);
    const { running, queued } = executor.statistics();
    assert.deepEqual([running, queued], [1, 3], 'one thread: one job in the pool, the rest in the queue');
    release(flags);
    await first;
    await Promise.all(rest);
    assert.deepEqual(order, [1, 2, 3]);
  });

  test('cancelled jobs that have not started never run (first in the queue, or further back)', async () => {
    await run(async () => {
      const flags = sharedFlags();
      const holder = executor.submit(job('holdUntilReleased'), flags);
      const next = executor.submit(job('countRun'), flags); // first in the executor's queue
      const later = executor.submit(job('countRun'), flags); // behind it
      await until(flags, STARTED);
      assert.deepEqual([executor.statistics().running, executor.statistics().queued], [1, 2]);
      assert.equal(later.cancel(), true);
      assert.equal(next.cancel(), true);
      await assert.rejects(async () => await later, CancelledError);
      await assert.rejects(async () => await next, CancelledError);
      assert.equal(next.cancelled(), true);
      assert.equal(later.cancelled(), true);
      assert.equal(executor.statistics().queued, 0);
      release(flags);
      await holder;
      await executor.runJob(job('whoAmI'), []); // the thread served this one: the cancelled ones were skipped
      assert.equal(Atomics.load(flags, RAN), 0);
    });
  });

  test('a job handed to the pool but not started by a thread is skipped when cancelled', async () => {
    const fresh = new ThreadPoolExecutor({ maxWorkers: 1 });
    await run(async () => {
      const flags = sharedFlags();
      // No thread yet: the job is handed to piscina and waits there for the thread that starts.
      const starting = fresh.submit(job('countRun'), flags);
      assert.deepEqual([fresh.statistics().running, fresh.statistics().queued], [1, 0]);
      starting.cancel();
      await assert.rejects(async () => await starting, CancelledError);
      assert.equal(fresh.statistics().running, 0, 'a cancelled job is not counted as running');
      assert.equal(await fresh.runJob((x: number) => x + 1, [1]), 2); // the thread skipped it, then ran this
      assert.equal(Atomics.load(flags, RAN), 0);
    });
    await closeAndCheck(fresh, 'may run');
  });

  test('a job cancelled before its task started is removed too', async () => {
    await run(async () => {
      const flags = sharedFlags();
      const holder = executor.submit(job('holdUntilReleased'), flags);
      const queued = executor.submit(job('countRun'), flags);
      queued.cancel(); // in the same turn: the task's body never runs
      await assert.rejects(async () => await queued, CancelledError);
      assert.equal(executor.statistics().queued, 0);
      await until(flags, STARTED);
      release(flags);
      await holder;
      await executor.runJob(job('whoAmI'), []);
      assert.equal(Atomics.load(flags, RAN), 0);
    });
  });

  test('a job that never checks is terminated after cancelGraceMs; the next job is served', async () => {
    await run(async () => {
      const flags = sharedFlags();
      const before = await executor.runJob(job('whoAmI'), []);
      const spinning = executor.submit(job('spinForever'), flags);
      await until(flags, STARTED);
      const waiting = executor.runJob(job('whoAmI'), []); // next in line for the spinning thread
      spinning.cancel();
      await assert.rejects(async () => await spinning, CancelledError);
      assert.equal(spinning.cancelled(), true);
      const after = await waiting;
      assert.notEqual(after, before, 'the spinning thread was replaced, and the waiting job served');
      assert.equal(executor.statistics().running, 0);
    });
  });

  test('run({ signal }): aborting the signal cancels the job with its reason', async () => {
    const flags = sharedFlags();
    const controller = new AbortController();
    const spinning = executor.runJob(job('spinForever'), [flags], { signal: controller.signal });
    await until(flags, STARTED);
    const reason = new Error('stop now');
    controller.abort(reason);
    await assert.rejects(spinning, (err) => err === reason);
    const aborted = AbortSignal.abort('already');
    await assert.rejects(
      executor.runJob((x: number) => x, [1], { signal: aborted }),
      (err) => err === 'already',
    );
    assert.equal(await executor.runJob((x: number) => x + 1, [1]), 2);
  });

  test('the task tree sees a waiting task as waiting on a "thread job"', async () => {
    await run(async () => {
      const flags = sharedFlags();
      const task = executor.submit(job('holdUntilReleased'), flags);
      await until(flags, STARTED);
      // waiterHead is what the task tree reads: the waiter the task is parked on.
      const waiter = (task as unknown as { waiterHead?: { label: string; describe(): string } }).waiterHead;
      assert.equal(waiter?.label, 'thread job');
      assert.match(waiter?.describe() ?? '', /^thread job holdUntilReleased/);
      release(flags);
      await task;
    });
  });

  test('cancelGraceMs: 0 terminates at once', async () => {
    await run(async () => {
      const quick = new ThreadPoolExecutor({ maxWorkers: 1, cancelGraceMs: 0 });
      const flags = sharedFlags();
      const spinning = quick.submit(job('spinForever'), flags);
      await until(flags, STARTED);
      spinning.cancel();
      await assert.rejects(async () => await spinning, CancelledError);
      assert.equal(quick.statistics().running, 0);
      await closeAndCheck(quick, 'may run');
    });
  });

  test('the awaiting code is a checkpoint: a cancelled scope rejects before any job starts', async () => {
    const idle = new ThreadPoolExecutor({ maxWorkers: 1 });
    await run(async () => {
      const task = createTask(async () => {
        await sleep(Number.POSITIVE_INFINITY).catch(() => undefined); // cancelled here
        return idle.runJob((x: number) => x, [1]);
      });
      await sleep(0);
      task.cancel();
      await assert.rejects(async () => await task, CancelledError);
    });
    assert.equal(idle.statistics().completed, 0);
    assert.equal(idle.statistics().threads, 0, 'no thread was started');
    await closeAndCheck(idle, 'may run');
  });
});

describe('ThreadPoolExecutor: failures', () => {
  let executor: ThreadPoolExecutor;
  before(() => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
  });
  after(() => closeAndCheck(executor));

  test('an error thrown in the worker keeps its name, message, stack, code and cause', async () => {
    const error = await executor.runJob(job('failDeep'), [5]).then(
      () => assert.fail('should have thrown'),
      (err: unknown) => err as Error & { code?: string; limit?: number; cause?: Error },
    );
    assert.equal(error.name, 'QuotaError');
    assert.equal(error.message, 'quota of 5 exceeded');
    assert.equal(error.code, 'E_QUOTA');
    assert.equal(error.limit, 5);
    assert.ok(error instanceof Error);
    assert.match(error.stack ?? '', /innerFailure/, 'the worker stack names the throwing function');
    assert.match(error.stack ?? '', /fixtures[/\\]jobs\.ts/);
    assert.ok(error.cause instanceof TypeError);
    assert.equal(error.cause.message, 'root cause');
  });

  test('a thrown non-error value is rethrown as it was', async () => {
    await assert.rejects(
      executor.runJob(() => {
        throw { reason: 'plain object' };
      }, []),
      (err) => (err as { reason?: string }).reason === 'plain object',
    );
  });

  test('process.exit() in a job rejects it with WorkerCrashedError; the pool stays usable', async () => {
    const error = await executor.runJob(job('exitWith'), [3]).then(
      () => assert.fail('should have thrown'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof WorkerCrashedError);
    assert.equal(error.code, 'ERR_WORKER_CRASHED');
    assert.equal(error.exitCode, 3);
    assert.match(error.message, /exited \(code 3\)/);
    assert.equal(await executor.runJob((x: number) => x * 2, [21]), 42);
  });

  test('an uncaught error in the worker rejects the job with WorkerCrashedError (cause kept)', async () => {
    const error = await executor.runJob(job('throwUncaught'), []).then(
      () => assert.fail('should have thrown'),
      (err: unknown) => err as WorkerCrashedError,
    );
    assert.ok(error instanceof WorkerCrashedError);
    assert.equal((error.cause as Error).message, 'escaped from a timer');
    assert.equal(await executor.runJob((x: number) => x * 2, [21]), 42);
  });

  test('an argument that cannot be cloned rejects with DataCloneError', async () => {
    await assert.rejects(
      executor.runJob((f: unknown) => typeof f, [() => 1]),
      (err) => (err as Error).name === 'DataCloneError',
    );
    assert.equal(await executor.runJob((x: number) => x, [7]), 7);
  });

  test('jobs waiting when the only thread dies are still served, in order, on a new thread', async () => {
    const flags = sharedFlags();
    const dying = executor.runJob(job('exitWhenReleased'), [flags, 4]);
    await until(flags, STARTED);
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) => executor.runJob((x: number) => x, [n]).then((v) => order.push(v)));
    assert.deepEqual([executor.statistics().running, executor.statistics().queued], [1, 3]);
    release(flags);
    await assert.rejects(dying, { code: 'ERR_WORKER_CRASHED', exitCode: 4 });
    await Promise.all(waiting);
    assert.deepEqual(order, [1, 2, 3], 'a new thread took the waiting jobs');
  });

  test('an executor whose threads cannot start fails its jobs instead of hanging', () => {
    // In a child process whose every worker thread throws while it starts (a preloaded module).
    const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        join(fixtures, 'fail-in-workers.mjs'),
        join(fixtures, 'threads-cannot-start.ts'),
      ],
      { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 },
    );
    assert.equal(child.status, 0, child.stderr);
    const report = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
      outcomes: string[];
      threads: number;
    };
    assert.equal(report.outcomes.length, 2);
    for (const outcome of report.outcomes) {
      assert.match(
        outcome,
        /^WorkerCrashedError: Could not start a worker thread: .*cannot start \(test fixture\)/,
      );
    }
    assert.equal(report.threads, 0);
  });

  test('running out of memory under resourceLimits rejects the job; the pool stays usable', async () => {
    // 64 MB leaves room for tsx, which every test worker loads; the job allocates far beyond it.
    const limited = new ThreadPoolExecutor({ maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 64 } });
    const error = await limited.runJob(job('exhaustMemory'), []).then(
      () => assert.fail('should have thrown'),
      (err: unknown) => err as WorkerCrashedError,
    );
    assert.ok(error instanceof WorkerCrashedError);
    assert.match(error.message, /out of memory/);
    assert.equal((error.cause as { code?: string }).code, 'ERR_WORKER_OUT_OF_MEMORY');
    assert.equal(await limited.runJob((x: number) => x * 2, [21]), 42);
    await closeAndCheck(limited, 'may run');
  });
});

describe('ThreadPoolExecutor: map', () => {
  let executor: ThreadPoolExecutor;
  before(() => {
    executor = new ThreadPoolExecutor({ maxWorkers: 3 });
  });
  after(() => closeAndCheck(executor));

  test('results come in input order with at most `concurrency` jobs at once', async () => {
    const flags = sharedFlags();
    // The first items take longest, so they finish last: order comes from the input, not from completion.
    let pulled = 0;
    function* items() {
      for (const [value, ms] of [40, 30, 20, 10, 5, 1].entries()) {
        pulled++;
        yield { flags, ms, value };
      }
    }
    const results: number[] = [];
    for await (const result of executor.map(job('tracked'), items(), { concurrency: 2 })) {
      results.push(result);
      assert.ok(pulled <= results.length + 2, `${pulled} items pulled for ${results.length} consumed`);
    }
    assert.deepEqual(results, [0, 10, 20, 30, 40, 50]);
    assert.ok(Atomics.load(flags, MAX_RUNNING) <= 2, `max running ${Atomics.load(flags, MAX_RUNNING)}`);
    assert.ok(Atomics.load(flags, MAX_RUNNING) >= 1);
  });

  test('pulls items lazily: breaking out of an endless source cancels what is pending', async () => {
    await run(async () => {
      let pulled = 0;
      function* naturals(): Generator<number> {
        for (let n = 0; ; n++) {
          pulled++;
          yield n;
        }
      }
      const seen: number[] = [];
      for await (const square of executor.map((n: number) => n * n, naturals(), { concurrency: 3 })) {
        seen.push(square);
        if (seen.length === 4) break;
      }
      assert.deepEqual(seen, [0, 1, 4, 9]);
      assert.ok(pulled <= 4 + 3, `pulled ${pulled} items`);
      assert.equal(executor.statistics().running, 0);
      assert.equal(executor.statistics().queued, 0);
    });
  });

  test('the first failure is thrown where its result would be yielded', async () => {
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const v of executor.map(
        (n: number) => {
          if (n === 2) throw new RangeError(`bad item ${n}`);
          return n;
        },
        [0, 1, 2, 3],
      )) {
        seen.push(v);
      }
    }, /bad item 2/);
    assert.deepEqual(seen, [0, 1]);
  });
});

describe('ThreadPoolExecutor: shutdown', () => {
  test('shutdown() waits for running jobs, then every thread has exited', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const flags = sharedFlags();
    const running = executor.runJob(job('holdUntilReleased'), [flags]);
    await until(flags, STARTED);
    let shutDown = false;
    const closing = executor.shutdown().then(() => {
      shutDown = true;
    });
    await sleep(20);
    assert.equal(shutDown, false, 'shutdown waits for the running job');
    assert.equal(executor.statistics().state, 'shutting-down');
    release(flags);
    assert.equal(typeof (await running), 'number');
    await closing;
    assert.equal(executor.statistics().state, 'shut-down');
    await closeAndCheck(executor);
  });

  test('queued jobs still run unless cancelFutures is set', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const flags = sharedFlags();
    const holder = executor.runJob(job('holdUntilReleased'), [flags]);
    const next = executor.runJob(job('countRun'), [flags]); // first in the executor's queue
    const later = executor.runJob(job('countRun'), [flags]); // behind it
    await until(flags, STARTED);
    const closing = executor.shutdown();
    release(flags);
    await Promise.all([holder, next, later, closing]);
    assert.equal(Atomics.load(flags, RAN), 2);
    await closeAndCheck(executor);
  });

  test('cancelFutures cancels the queued jobs; the running one finishes', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const flags = sharedFlags();
    const holder = executor.runJob(job('holdUntilReleased'), [flags]);
    const next = executor.runJob(job('countRun'), [flags]); // first in the executor's queue
    const later = executor.runJob(job('countRun'), [flags]); // behind it
    await until(flags, STARTED);
    const closing = executor.shutdown({ cancelFutures: true });
    await assert.rejects(next, CancelledError);
    await assert.rejects(later, CancelledError);
    release(flags);
    assert.equal(typeof (await holder), 'number');
    await closing;
    assert.equal(Atomics.load(flags, RAN), 0);
    await closeAndCheck(executor);
  });

  test('cancelFutures with a job stopping past its grace, one running and some queued: all settle, nothing is left', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 2, cancelGraceMs: 50 });
    await run(async () => {
      const spinFlags = sharedFlags();
      const holdFlags = sharedFlags();
      const countFlags = sharedFlags();
      const spinning = executor.submit(job('spinForever'), spinFlags);
      const holding = executor.submit(job('holdUntilReleased'), holdFlags);
      const queued = [1, 2, 3].map(() => executor.submit(job('countRun'), countFlags));
      await until(spinFlags, STARTED);
      await until(holdFlags, STARTED);
      assert.deepEqual([executor.statistics().running, executor.statistics().queued], [2, 3]);
      spinning.cancel(); // never checks: its thread is terminated once the grace period is over
      const closing = executor.shutdown({ cancelFutures: true });
      for (const task of queued) await assert.rejects(async () => await task, CancelledError);
      await assert.rejects(async () => await spinning, CancelledError);
      assert.equal(executor.statistics().state, 'shutting-down', 'the held job still runs');
      release(holdFlags);
      assert.equal(typeof (await holding), 'number');
      await closing;
      assert.equal(Atomics.load(countFlags, RAN), 0);
    });
    await closeAndCheck(executor);
  });

  test('shutdown waits for a thread that is still starting (its only job was cancelled)', async () => {
    const ports = () =>
      process.getActiveResourcesInfo().filter((r) => r === 'MessagePort' || r === 'Worker').length;
    const before = ports();
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const flags = sharedFlags();
    const controller = new AbortController();
    // No thread yet: the job is handed to piscina, which starts one for it.
    const starting = executor.runJob(job('countRun'), [flags], { signal: controller.signal });
    const reason = new Error('never mind');
    controller.abort(reason);
    await assert.rejects(starting, (err) => err === reason);
    await closeAndCheck(executor);
    assert.equal(ports(), before, "the starting thread's ports are closed: it has exited");
    assert.equal(Atomics.load(flags, RAN), 0);
  });

  test('wait: false returns at once; the threads end once the jobs are done', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const flags = sharedFlags();
    const holder = executor.runJob(job('holdUntilReleased'), [flags]);
    await until(flags, STARTED);
    await executor.shutdown({ wait: false });
    assert.equal(executor.statistics().running, 1, 'returned while the job still runs');
    release(flags);
    await holder;
    await closeAndCheck(executor); // a second shutdown() waits for the first one's end
  });

  test('submitting after shutdown is an InvalidStateError', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    await executor.shutdown();
    assert.throws(() => executor.submit((x: number) => x, 1), InvalidStateError);
    assert.throws(() => executor.runJob((x: number) => x, [1]), InvalidStateError);
    assert.throws(() => executor.map((x: number) => x, [1]), InvalidStateError);
    assert.throws(() => executor.runJob((x: number) => x, [1]), {
      code: 'ERR_INVALID_STATE',
      message: /shut down/,
    });
    await closeAndCheck(executor);
  });

  test('await using shuts the executor down at the end of the block', async () => {
    let kept: ThreadPoolExecutor | undefined;
    {
      await using executor = new ThreadPoolExecutor({ maxWorkers: 1 });
      kept = executor;
      assert.equal(await executor.runJob((x: number) => x + 1, [1]), 2);
    }
    assert.equal(kept.statistics().state, 'shut-down');
    assert.equal(activeWorkerCount(), 0);
  });
});

describe('ThreadPoolExecutor: arguments and introspection', () => {
  test('bad options are TypeError/RangeError naming the option', () => {
    assert.throws(() => new ThreadPoolExecutor({ maxWorkers: 0 }), {
      name: 'RangeError',
      message: /options\.maxWorkers must be an integer >= 1, received 0/,
    });
    assert.throws(() => new ThreadPoolExecutor({ maxWorkers: 1.5 }), {
      name: 'RangeError',
      message: /options\.maxWorkers.*1\.5/,
    });
    assert.throws(() => new ThreadPoolExecutor({ maxWorkers: '2' as unknown as number }), {
      name: 'TypeError',
      message: /options\.maxWorkers must be an integer, received string "2"/,
    });
    assert.throws(() => new ThreadPoolExecutor({ cancelGraceMs: -1 }), /options\.cancelGraceMs must be >= 0/);
    assert.throws(() => new ThreadPoolExecutor({ idleTimeout: Number.NaN }), RangeError);
    assert.throws(() => new ThreadPoolExecutor({ resourceLimits: 5 as never }), /options\.resourceLimits/);
    assert.throws(() => new ThreadPoolExecutor(null as never), /options must be an object/);
    // null is not "use the default": refused like any other non-number (issue 11).
    for (const option of ['maxWorkers', 'idleTimeout', 'cancelGraceMs'] as const) {
      assert.throws(() => new ThreadPoolExecutor({ [option]: null as never }), {
        name: 'TypeError',
        message: new RegExp(`options\\.${option} must be .*received null`),
      });
    }
    assert.throws(() => new ThreadPoolExecutor({ idleTimeout: -1 }), {
      name: 'RangeError',
      message: /options\.idleTimeout must be >= 0/,
    });
  });

  test('bad arguments of runJob, submit, map and shutdown', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    assert.throws(() => executor.runJob(42 as never, []), {
      name: 'TypeError',
      message:
        /ThreadPoolExecutor\.runJob: fn must be a function or a workerFunction\(\) reference, received number 42/,
    });
    assert.throws(() => executor.runJob((x: number) => x, 1 as never), /args must be an array/);
    // The deprecated alias runs the same path and names itself in errors.
    assert.throws(() => executor.run((x: number) => x, 1 as never), /ThreadPoolExecutor\.run: args must be/);
    assert.equal(await executor.run((x: number) => x + 1, [1]), 2);
    assert.throws(() => executor.submit('x' as never), /ThreadPoolExecutor\.submit: fn must be/);
    assert.throws(() => executor.map((x: number) => x, [1], { concurrency: 0 }), {
      name: 'RangeError',
      message: /options\.concurrency must be an integer >= 1, received 0/,
    });
    assert.throws(() => executor.map((x: number) => x, 5 as never), /items must be an iterable/);
    assert.throws(() => executor.map((x: number) => x, [1], { concurrency: null as never }), {
      name: 'TypeError',
      message: /options\.concurrency must be an integer, received null/,
    });
    assert.throws(() => executor.shutdown({ wait: 'yes' as never }), /options\.wait must be a boolean/);
    assert.throws(() => executor.shutdown({ wait: null as never }), /options\.wait must be a boolean/);
    assert.throws(
      () => executor.shutdown({ cancelFutures: null as never }),
      /options\.cancelFutures must be a boolean/,
    );
    await closeAndCheck(executor);
  });

  test('statistics() and inspect() describe the executor', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
    assert.deepEqual(executor.statistics(), {
      state: 'open',
      maxWorkers: 2,
      running: 0,
      queued: 0,
      threads: 0,
      completed: 0,
    });
    assert.equal(await executor.runJob((x: number) => x, [1]), 1);
    assert.equal(executor.statistics().completed, 1);
    assert.equal(executor.statistics().threads, 1);
    assert.match(
      inspect(executor),
      /^<ThreadPoolExecutor state="open" maxWorkers=2 running=0 queued=0 threads=1>$/,
    );
    await closeAndCheck(executor);
  });
});
