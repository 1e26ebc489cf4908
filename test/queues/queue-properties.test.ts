// Property-based tests (fast-check) of the three queue classes: random producers, consumers, cancellations,
// aborted signals and non-waiting calls, interleaved by a random schedule of event-loop turns and microtask
// steps. Seeded and bounded: set FC_SEED to reproduce or explore (fast-check prints the seed and the
// counterexample on failure); FC_RUNS changes the number of runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkpoint,
  createTask,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  run,
  type Task,
} from 'asyncio-ts';
import * as fc from 'fast-check';
import { assertNoTimers } from '../helpers/leaks.js';
import { queueScenarioArb, runQueueScenario } from './queue-interleavings.js';

const SEED = Number(process.env.FC_SEED ?? 20_251_125);
const RUNS = Number(process.env.FC_RUNS ?? 150);
const OPTIONS = { seed: SEED, numRuns: RUNS, endOnFailure: true };

type Kind = 'fifo' | 'lifo' | 'priority';
function makeQueue(kind: Kind, maxsize: number): Queue<number> {
  if (kind === 'lifo') return new LifoQueue<number>(maxsize);
  if (kind === 'priority') return new PriorityQueue<number>(maxsize);
  return new Queue<number>(maxsize);
}

/** A step of main's schedule. Indexes pick a task modulo the number of tasks. */
type Step =
  | { op: 'turn' } // one event-loop turn: every task runs until it waits
  | { op: 'micro' } // one microtask: grants are delivered, tasks have not resumed yet
  | { op: 'cancelProducer'; i: number }
  | { op: 'cancelConsumer'; i: number }
  | { op: 'abortConsumer'; i: number } // the consumer's own { signal }
  | { op: 'putNowait' }
  | { op: 'getNowait' }
  | { op: 'addConsumer' }
  | { op: 'shutdown'; immediate: boolean };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Step>({ op: 'turn' }) },
  { weight: 3, arbitrary: fc.constant<Step>({ op: 'micro' }) },
  { weight: 1, arbitrary: fc.nat(5).map<Step>((i) => ({ op: 'cancelProducer', i })) },
  { weight: 2, arbitrary: fc.nat(5).map<Step>((i) => ({ op: 'cancelConsumer', i })) },
  { weight: 1, arbitrary: fc.nat(5).map<Step>((i) => ({ op: 'abortConsumer', i })) },
  { weight: 2, arbitrary: fc.constant<Step>({ op: 'putNowait' }) },
  { weight: 2, arbitrary: fc.constant<Step>({ op: 'getNowait' }) },
  { weight: 1, arbitrary: fc.constant<Step>({ op: 'addConsumer' }) },
  { weight: 1, arbitrary: fc.boolean().map<Step>((immediate) => ({ op: 'shutdown', immediate })) },
);

const micro = () => Promise.resolve();

test('no item is lost or delivered twice, whatever is cancelled when (all three queue classes)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<Kind>('fifo', 'lifo', 'priority'),
      fc.nat(3),
      fc.array(fc.nat(5), { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1, max: 3 }),
      fc.array(stepArb, { maxLength: 40 }),
      async (kind, maxsize, producerSizes, consumerCount, steps) => {
        await run(async () => {
          const q = makeQueue(kind, maxsize);
          const putOk = new Set<number>();
          const putFailed = new Set<number>();
          const delivered: number[] = [];
          let nextNowaitId = 10_000;
          let droppedByShutdown = 0;

          const producers = producerSizes.map((size, p) =>
            createTask(async () => {
              for (let k = 0; k < size; k++) {
                const id = p * 100 + k;
                try {
                  await q.put(id);
                } catch {
                  putFailed.add(id);
                  return;
                }
                putOk.add(id);
              }
            }),
          );
          const consumers: Task<void>[] = [];
          const controllers: AbortController[] = [];
          const addConsumer = () => {
            const controller = new AbortController();
            controllers.push(controller);
            consumers.push(
              createTask(async () => {
                for (;;) {
                  let item: number;
                  try {
                    item = await q.get({ signal: controller.signal });
                  } catch {
                    return;
                  }
                  delivered.push(item);
                  q.taskDone();
                }
              }),
            );
          };
          for (let c = 0; c < consumerCount; c++) addConsumer();

          for (const step of steps) {
            switch (step.op) {
              case 'turn':
                await checkpoint();
                break;
              case 'micro':
                await micro();
                break;
              case 'cancelProducer':
                producers[step.i % producers.length]!.cancel();
                break;
              case 'cancelConsumer':
                consumers[step.i % consumers.length]!.cancel();
                break;
              case 'abortConsumer':
                controllers[step.i % controllers.length]!.abort(new Error('aborted'));
                break;
              case 'putNowait': {
                const id = nextNowaitId++;
                try {
                  q.putNowait(id);
                  putOk.add(id);
                } catch (err) {
                  assert.ok(err instanceof QueueFull || err instanceof QueueShutDown, String(err));
                  putFailed.add(id);
                }
                break;
              }
              case 'getNowait':
                try {
                  delivered.push(q.getNowait());
                  q.taskDone();
                } catch (err) {
                  assert.ok(err instanceof QueueEmpty || err instanceof QueueShutDown, String(err));
                }
                break;
              case 'addConsumer':
                addConsumer();
                break;
              case 'shutdown': {
                // shutdown(true) drops the stored items, including any reserved for woken getters.
                const before = q.statistics();
                q.shutdown(step.immediate);
                if (step.immediate)
                  droppedByShutdown += before.unfinishedTasks - q.statistics().unfinishedTasks;
                break;
              }
            }
          }

          // Stop everyone, let every pending grant be delivered or handed back, then drain.
          for (const task of [...producers, ...consumers]) task.cancel();
          await Promise.allSettled([...producers, ...consumers]);
          const left: number[] = [];
          while (!q.empty()) left.push(q.getNowait());

          const all = [...delivered, ...left];
          assert.equal(new Set(all).size, all.length, `an item was delivered twice: ${all}`);
          for (const id of all)
            assert.ok(putOk.has(id), `${id} was delivered but its put failed or never happened`);
          // Every item put was delivered, is left, or was dropped by shutdown(true) (counted as done there).
          assert.equal(all.length + droppedByShutdown, putOk.size, 'an item was lost');
          for (const id of putFailed) assert.ok(!putOk.has(id));
          const stats = q.statistics();
          assert.deepEqual(
            [stats.getters, stats.putters, stats.unfinishedTasks, stats.qsize],
            [0, 0, left.length, 0],
          );
        });
      },
    ),
    OPTIONS,
  );
  await assertNoTimers();
});

test('Queue delivers in put order to whichever getters are not cancelled (one producer)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.nat(3),
      fc.integer({ min: 0, max: 12 }),
      fc.integer({ min: 1, max: 3 }),
      fc.array(
        stepArb.filter((s) => s.op !== 'putNowait' && s.op !== 'getNowait'),
        { maxLength: 40 },
      ),
      async (maxsize, count, consumerCount, steps) => {
        await run(async () => {
          const q = new Queue<number>(maxsize);
          let putCount = 0;
          // Items leave the queue in take order, and every consumer records an item in the same number of
          // microtasks after taking it, so `delivered` is in take order.
          const delivered: number[] = [];
          const producer = createTask(async () => {
            for (let i = 0; i < count; i++) {
              await q.put(i);
              putCount++;
            }
          });
          const consumers: Task<void>[] = [];
          const controllers: AbortController[] = [];
          const addConsumer = () => {
            const controller = new AbortController();
            controllers.push(controller);
            consumers.push(
              createTask(async () => {
                for (;;) delivered.push(await q.get({ signal: controller.signal }));
              }),
            );
          };
          for (let c = 0; c < consumerCount; c++) addConsumer();
          for (const step of steps) {
            if (step.op === 'turn') await checkpoint();
            else if (step.op === 'micro') await micro();
            else if (step.op === 'cancelProducer') producer.cancel();
            else if (step.op === 'cancelConsumer') consumers[step.i % consumers.length]!.cancel();
            else if (step.op === 'abortConsumer') controllers[step.i % controllers.length]!.abort();
            else if (step.op === 'addConsumer') addConsumer();
          }
          for (const task of [producer, ...consumers]) task.cancel();
          await Promise.allSettled([producer, ...consumers]);
          const left: number[] = [];
          while (!q.empty()) left.push(q.getNowait());
          assert.deepEqual(
            [...delivered, ...left],
            Array.from({ length: putCount }, (_, i) => i),
          );
        });
      },
    ),
    OPTIONS,
  );
});

/** A reference model of each store: the item the next get must return. */
function modelTake(kind: Kind, model: number[][]): number[] {
  if (kind === 'fifo') return model.shift()!;
  if (kind === 'lifo') return model.pop()!;
  // Priority: the smallest value; among equal values, the earliest put (entries are [value, arrival]).
  let best = 0;
  for (let i = 1; i < model.length; i++) if (model[i]![0]! < model[best]![0]!) best = i;
  return model.splice(best, 1)[0]!;
}

test('each class returns its items in its order (FIFO, LIFO, priority with stable ties) against a model', async () => {
  await fc.assert(
    fc.property(
      fc.constantFrom<Kind>('fifo', 'lifo', 'priority'),
      fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant<'get'>('get')), { maxLength: 200 }),
      (kind, ops) => {
        // Entries [value, arrival]: the priority queue compares values only, so the arrival checks stability.
        const q =
          kind === 'priority'
            ? new PriorityQueue<number[]>(0, (a, b) => a[0]! - b[0]!)
            : kind === 'lifo'
              ? new LifoQueue<number[]>()
              : new Queue<number[]>();
        const model: number[][] = [];
        ops.forEach((op, arrival) => {
          if (op === 'get') {
            if (model.length === 0) assert.throws(() => q.getNowait(), QueueEmpty);
            else assert.deepEqual(q.getNowait(), modelTake(kind, model));
          } else {
            q.putNowait([op, arrival]);
            model.push([op, arrival]);
          }
          assert.equal(q.qsize(), model.length);
        });
        q.shutdown();
        while (model.length > 0) assert.deepEqual(q.getNowait(), modelTake(kind, model));
        assert.throws(() => q.getNowait(), QueueShutDown);
      },
    ),
    OPTIONS,
  );
});

type JoinStep =
  | { op: 'turn' }
  | { op: 'micro' }
  | { op: 'put' }
  | { op: 'done' } // taskDone() for one item a consumer got
  | { op: 'join' }
  | { op: 'cancelJoiner'; i: number };

test('join() resolves exactly when every item put got its taskDone()', async () => {
  const joinStep: fc.Arbitrary<JoinStep> = fc.oneof(
    fc.constant<JoinStep>({ op: 'turn' }),
    fc.constant<JoinStep>({ op: 'micro' }),
    fc.constant<JoinStep>({ op: 'put' }),
    fc.constant<JoinStep>({ op: 'done' }),
    fc.constant<JoinStep>({ op: 'join' }),
    fc.nat(5).map<JoinStep>((i) => ({ op: 'cancelJoiner', i })),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<Kind>('fifo', 'lifo', 'priority'),
      fc.integer({ min: 1, max: 2 }),
      fc.array(joinStep, { maxLength: 40 }),
      async (kind, consumerCount, steps) => {
        await run(async () => {
          const q = makeQueue(kind, 0);
          let unfinished = 0; // the model: items put minus taskDone() calls; only main changes it
          const got: number[] = []; // items taken by consumers, waiting for main's taskDone()
          let early = 0; // joiners that resolved while the model had unfinished items
          const joiners: Task<void>[] = [];
          const consumers = Array.from({ length: consumerCount }, () =>
            createTask(async () => {
              for (;;) got.push(await q.get());
            }),
          );
          const taskDone = async () => {
            q.taskDone();
            unfinished--;
            // Let the joiners this released resume before main changes `unfinished` again.
            if (unfinished === 0) await checkpoint();
          };
          for (const step of steps) {
            if (step.op === 'turn') await checkpoint();
            else if (step.op === 'micro') await micro();
            else if (step.op === 'put') {
              q.putNowait(unfinished);
              unfinished++;
            } else if (step.op === 'done') {
              if (got.length > 0) {
                got.pop();
                await taskDone();
              }
            } else if (step.op === 'join') {
              joiners.push(
                createTask(async () => {
                  // Called with nothing unfinished, join() resolves at once (main may put meanwhile).
                  const waits = unfinished !== 0;
                  await q.join();
                  if (waits && unfinished !== 0) early++;
                }),
              );
            } else if (joiners.length > 0) joiners[step.i % joiners.length]!.cancel();
            assert.equal(q.statistics().unfinishedTasks, unfinished);
          }
          // Finish everything: the joiners still waiting must all resolve, none before.
          for (const consumer of consumers) consumer.cancel();
          await Promise.allSettled(consumers);
          while (!q.empty()) got.push(q.getNowait());
          await checkpoint();
          assert.equal(q.statistics().joiners, joiners.filter((j) => !j.done()).length);
          while (got.length > 0) {
            got.pop();
            await taskDone();
          }
          await checkpoint();
          for (const joiner of joiners) {
            assert.ok(joiner.done(), 'a join() did not resolve although every item was done');
            if (!joiner.cancelled()) await joiner;
          }
          assert.equal(early, 0, 'a join() resolved while items were unfinished');
          assert.equal(q.statistics().joiners, 0);
        });
      },
    ),
    OPTIONS,
  );
});

test('random interleavings of every call, cancellation, timeout and shutdown on the three queue kinds', async () => {
  // Twice the runs of the others: a race needs several commands in a row (see queue-interleavings.ts).
  await fc.assert(fc.asyncProperty(queueScenarioArb, runQueueScenario), {
    ...OPTIONS,
    seed: SEED + 7,
    numRuns: 2 * RUNS,
  });
  await assertNoTimers();
});
