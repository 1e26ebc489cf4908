// Property-based tests (fast-check): random interleavings of acquirers of every kind, releases, hand
// releases, cancellations, signal aborts and timeouts on a VirtualClock, including cancellations in the same
// synchronous turn as a release, checked against the invariants of DESIGN §5 and principle 5 (the driver is
// lock-interleavings.ts). Seeded (FC_SEED overrides) and bounded: each run is at most MAX_COMMANDS steps;
// a failure prints the seed and the shrunk command list. `npm run soak` runs these many more times.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BoundedSemaphore,
  Condition,
  checkpoint,
  createTask,
  Lock,
  RateLimiter,
  run,
  Semaphore,
  type Task,
  timeout,
} from 'asyncio-ts';
import { VirtualClock } from 'asyncio-ts/testing';
import fc from 'fast-check';
import { storage } from '../../src/core/context.js';
import { commandsArb, exercise, type How, lockSubject, semaphoreSubject } from './lock-interleavings.js';

const SEED = Number(process.env.FC_SEED ?? 20_251_125);
const RUNS = Number(process.env.FC_RUNS ?? 120);

test('Semaphore: permits conserved (hand releases add one), bound respected, FIFO among live waiters (property)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 3 }), commandsArb, async (capacity, commands) => {
      await exercise(semaphoreSubject(new Semaphore(capacity), capacity, true), commands, 'tasks');
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

test('BoundedSemaphore: never over-released by the library itself (property)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 3 }), commandsArb, async (capacity, commands) => {
      await exercise(semaphoreSubject(new BoundedSemaphore(capacity), capacity, false), commands, 'tasks');
    }),
    { seed: SEED + 1, numRuns: RUNS },
  );
});

test('Lock: mutual exclusion, no lost lock, FIFO among live waiters (property)', async () => {
  await fc.assert(
    fc.asyncProperty(commandsArb, async (commands) => {
      await exercise(lockSubject(new Lock()), commands, 'tasks');
    }),
    { seed: SEED + 2, numRuns: RUNS },
  );
});

test('Condition as a lock: the same properties through its acquire/release/runExclusive (property)', async () => {
  await fc.assert(
    fc.asyncProperty(commandsArb, async (commands) => {
      await exercise(lockSubject(new Condition()), commands, 'tasks');
    }),
    { seed: SEED + 6, numRuns: RUNS },
  );
});

test('Semaphore outside run(): uncancellable and cancellable waiters share one FIFO (property)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 3 }), commandsArb, async (capacity, commands) => {
      await exercise(semaphoreSubject(new Semaphore(capacity), capacity, true), commands, 'plain');
    }),
    { seed: SEED + 4, numRuns: RUNS },
  );
});

test('Lock outside run(): uncancellable and cancellable waiters share one FIFO (property)', async () => {
  await fc.assert(
    fc.asyncProperty(commandsArb, async (commands) => {
      await exercise(lockSubject(new Lock()), commands, 'plain');
    }),
    { seed: SEED + 5, numRuns: RUNS },
  );
});

test('Condition: no wake-up is lost to cancellations; every item is consumed (property)', async () => {
  // Consumers wait for items with waitFor; a producer adds items one at a time with notify(1); random
  // consumers are cancelled at random moments, some in the same turn as a notify. As long as one consumer
  // is alive, every item must be consumed: a wake-up given to a cancelled consumer is passed on.
  const scenario = fc.record({
    consumers: fc.integer({ min: 2, max: 5 }),
    steps: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('produce' as const), cancelSameTurn: fc.option(fc.nat(10)) }),
        fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(10) }),
        fc.constant({ kind: 'step' as const }),
      ),
      { maxLength: 30 },
    ),
  });
  await fc.assert(
    fc.asyncProperty(scenario, async ({ consumers, steps }) => {
      await run(async () => {
        const cond = new Condition();
        const items: number[] = [];
        let closed = false;
        let produced = 0;
        let consumed = 0;
        const tasks: Task<void>[] = [];
        for (let i = 0; i < consumers; i++) {
          tasks.push(
            createTask(async () => {
              using _ = await cond.acquire();
              for (;;) {
                await cond.waitFor(() => items.length > 0 || closed);
                if (items.length === 0) return;
                items.shift();
                consumed++;
              }
            }),
          );
        }
        await checkpoint();
        const alive = () => tasks.filter((t) => !t.done() && t.cancelling() === 0);
        const cancelOne = (n: number) => {
          const candidates = alive();
          // Keep the last consumer alive, so that items can always be consumed.
          if (candidates.length > 1) candidates[n % candidates.length]?.cancel();
        };
        for (const step of steps) {
          if (step.kind === 'produce') {
            await cond.runExclusive(() => {
              items.push(produced++);
              cond.notify(1);
              if (step.cancelSameTurn !== null) cancelOne(step.cancelSameTurn);
            });
          } else if (step.kind === 'cancel') {
            cancelOne(step.pick);
          } else {
            await checkpoint();
          }
        }
        for (let rounds = 0; items.length > 0; rounds++) {
          assert.ok(rounds < 50, `lost wake-up: ${items.length} items left with live consumers waiting`);
          await checkpoint();
        }
        assert.equal(consumed, produced);
        await cond.runExclusive(() => {
          closed = true;
          cond.notifyAll();
        });
        await Promise.allSettled(tasks.map((t) => Promise.resolve(t)));
        assert.equal(cond.locked(), false);
        assert.equal(cond.statistics().waiters, 0);
      });
    }),
    { seed: SEED + 3, numRuns: RUNS },
  );
});

type RateCommand =
  | { kind: 'acquire'; how: How; ms: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'abort'; pick: number }
  | { kind: 'jump'; ms: number }
  | { kind: 'micro' }
  | { kind: 'turn' };

const rateCommandArb: fc.Arbitrary<RateCommand> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('acquire' as const),
      // A 'plain' caller (in the run, outside every task) reads the run's clock through the limiter.
      how: fc.constantFrom<How>('task', 'signal', 'timeout', 'plain'),
      ms: fc.integer({ min: 1, max: 15 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat(5) }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('jump' as const), ms: fc.integer({ min: 1, max: 12 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'micro' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'turn' as const }) },
);

test('RateLimiter: never more than the bucket allows, FIFO, no token lost to a cancellation (property)', async () => {
  const PER_MS = 10;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 3 }),
      fc.array(rateCommandArb, { minLength: 1, maxLength: 40 }),
      async (rate, commands) => {
        const clock = new VirtualClock({ autojump: false });
        await run(
          async () => {
            const limiter = new RateLimiter(rate, PER_MS);
            // When each token was taken, read inside the limiter (test instrumentation): a caller resumes a
            // little later, possibly after the clock moved on. A token handed back to the bucket (its taker
            // was cancelled and nobody waits) is taken off the list again.
            const times: number[] = [];
            const internals = limiter as unknown as {
              takeAt(now: number): boolean;
              handOn(): void;
              statistics(): { waiters: number };
            };
            const take = internals.takeAt.bind(limiter);
            internals.takeAt = (now) => {
              const took = take(now);
              if (took) times.push(now);
              return took;
            };
            const handOn = internals.handOn.bind(limiter);
            internals.handOn = () => {
              if (limiter.statistics().waiters === 0) times.splice(times.indexOf(Math.max(...times)), 1);
              handOn();
            };
            let calls = 0;
            let lastQueuedIn = 0;
            const actors: Array<{ task?: Task<void>; controller?: AbortController; done: boolean }> = [];
            const spawn = (how: How, ms: number) => {
              const actor: (typeof actors)[number] = { done: false };
              const controller = how === 'signal' ? new AbortController() : undefined;
              actor.controller = controller;
              const body = async () => {
                const seq = ++calls;
                const before = limiter.statistics().waiters;
                const pending = limiter.acquire(
                  controller === undefined ? undefined : { signal: controller.signal },
                );
                const queued = limiter.statistics().waiters > before;
                await pending;
                if (queued) {
                  assert.ok(
                    seq > lastQueuedIn,
                    `FIFO: ${seq} got a token after ${lastQueuedIn}, which queued later`,
                  );
                  lastQueuedIn = seq;
                }
              };
              const done =
                how === 'plain'
                  ? storage.exit(body) // nothing can cancel it
                  : (actor.task = createTask(how === 'timeout' ? () => timeout(ms, body) : body));
              Promise.resolve(done).then(
                () => (actor.done = true),
                () => (actor.done = true),
              );
              actors.push(actor);
            };
            const live = () => actors.filter((a) => !a.done);
            const check = () => {
              // Token bucket: n acquisitions between t_i and t_j need rate + (t_j - t_i) * rate / perMs tokens.
              for (let i = 0; i < times.length; i++) {
                for (let j = i; j < times.length; j++) {
                  const allowed = rate + ((times[j]! - times[i]!) * rate) / PER_MS + 1e-9;
                  assert.ok(j - i + 1 <= allowed, `${j - i + 1} acquisitions in ${times[j]! - times[i]!} ms`);
                }
              }
              const stats = limiter.statistics();
              if (stats.tokens > 0)
                assert.equal(stats.waiters, 0, 'a waiter waits while a token is available');
            };
            for (const command of commands) {
              if (command.kind === 'acquire') spawn(command.how, command.ms);
              else if (command.kind === 'cancel')
                live()[command.pick % Math.max(1, live().length)]?.task?.cancel();
              else if (command.kind === 'abort')
                live()
                  .filter((a) => a.controller !== undefined)
                  [command.pick % Math.max(1, live().length)]?.controller?.abort(new Error('aborted'));
              else if (command.kind === 'jump') clock.jump(command.ms);
              else if (command.kind === 'micro') await Promise.resolve();
              else {
                await checkpoint();
                check();
              }
            }
            // Wind down: time passes until every caller got its token or timed out.
            for (let rounds = 0; live().length > 0; rounds++) {
              assert.ok(rounds < 200, `${live().length} callers still wait: a token was lost`);
              clock.jump(PER_MS / rate);
              await checkpoint();
            }
            check();
            clock.jump(PER_MS);
            assert.deepEqual(limiter.statistics(), { rate, perMs: PER_MS, tokens: rate, waiters: 0 });
          },
          { clock },
        );
        assert.equal(clock.pendingTimers, 0, 'a timer outlived the run');
      },
    ),
    { seed: SEED + 8, numRuns: RUNS },
  );
});
