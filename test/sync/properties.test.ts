// Property-based tests (fast-check): random interleavings of acquirers, releases, cancellations and
// signal aborts, including cancellations in the same synchronous turn as a release, checked against the
// invariants of DESIGN §5 and principle 5. Seeded (FC_SEED overrides) and bounded: each run is at most
// MAX_COMMANDS steps of one event-loop turn each; a failure prints the seed and the shrunk command list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BoundedSemaphore,
  Condition,
  checkpoint,
  createTask,
  Event,
  Lock,
  type Permit,
  run,
  Semaphore,
  type Task,
} from 'asyncio-ts';
import fc from 'fast-check';

const SEED = Number(process.env.FC_SEED ?? 20_251_125);
const RUNS = Number(process.env.FC_RUNS ?? 120);
const MAX_COMMANDS = 40;

type Command =
  | { kind: 'acquire'; via: 'acquire' | 'runExclusive'; withSignal: boolean }
  | { kind: 'release'; pick: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'abort'; pick: number }
  | { kind: 'releaseThenCancel'; pick: number; pick2: number }
  | { kind: 'step' };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('acquire' as const),
      via: fc.constantFrom('acquire' as const, 'runExclusive' as const),
      withSignal: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat(20) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('releaseThenCancel' as const),
      pick: fc.nat(20),
      pick2: fc.nat(20),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'step' as const }) },
);

/** A lock-like under test, seen through what the invariants need. */
interface Subject {
  capacity: number;
  free(): number;
  waiters(): number;
  acquire(signal: AbortSignal | undefined): Promise<Permit>;
  runExclusive(fn: () => Promise<void>, signal: AbortSignal | undefined): Promise<void>;
}

const stateOf = (actor: Actor): Actor['state'] => actor.state;

interface Actor {
  seq: number;
  queued: boolean;
  acquiredEver: boolean;
  state: 'starting' | 'waiting' | 'holding' | 'finished';
  done: Promise<void>;
  cancel(): void;
  controller: AbortController | undefined;
  permit: Permit | undefined;
  gate: Event;
}

/**
 * Runs `commands` against `subject`. In 'tasks' mode every actor is a task of a run (cancellable waiters);
 * in 'plain' mode actors are plain async functions outside every run, so an actor without a signal waits
 * as an uncancellable waiter and one with a signal as a cancellable one: both kinds share one FIFO.
 */
async function exercise(subject: Subject, commands: Command[], mode: 'tasks' | 'plain'): Promise<void> {
  const scenario = async () => {
    const actors: Actor[] = [];
    let holders = 0;
    let maxHolders = 0;
    let seq = 0;

    const onAcquired = (actor: Actor) => {
      actor.state = 'holding';
      holders++;
      maxHolders = Math.max(maxHolders, holders);
      assert.ok(holders <= subject.capacity, `exclusion broken: ${holders} holders of ${subject.capacity}`);
      actor.acquiredEver = true;
    };
    const onReleasing = (actor: Actor) => {
      if (actor.state === 'holding') holders--;
      actor.state = 'finished';
    };

    const spawn = (via: 'acquire' | 'runExclusive', withSignal: boolean) => {
      const actor = {
        seq: seq++,
        queued: false,
        acquiredEver: false,
        state: 'starting',
        controller: withSignal ? new AbortController() : undefined,
        permit: undefined,
        gate: new Event(),
      } as Omit<Actor, 'done' | 'cancel'> as Actor;
      const body = async () => {
        actor.queued = subject.free() === 0;
        actor.state = 'waiting';
        try {
          if (via === 'acquire') {
            const permit = await subject.acquire(actor.controller?.signal);
            actor.permit = permit;
            onAcquired(actor);
            try {
              await actor.gate.wait({ signal: actor.controller?.signal });
            } finally {
              // (read through a function: the state changes while this task waits)
              if (stateOf(actor) === 'holding') onReleasing(actor);
              permit.release();
            }
          } else {
            await subject.runExclusive(async () => {
              onAcquired(actor);
              try {
                await actor.gate.wait({ signal: actor.controller?.signal });
              } finally {
                onReleasing(actor);
              }
            }, actor.controller?.signal);
          }
        } finally {
          actor.state = 'finished';
        }
      };
      if (mode === 'tasks') {
        const task = createTask(body);
        actor.done = Promise.resolve(task);
        actor.cancel = () => task.cancel();
      } else {
        actor.done = body();
        actor.cancel = () => actor.controller?.abort(new Error('aborted by the test'));
      }
      actor.done.catch(() => undefined);
      actors.push(actor);
    };

    const live = (state: Actor['state']) => actors.filter((a) => a.state === state);
    const pick = <T>(list: T[], n: number): T | undefined =>
      list.length === 0 ? undefined : list[n % list.length];

    /** Releases a holder now: synchronously when it holds a Permit, else by opening its gate. */
    const release = (n: number) => {
      const actor = pick(live('holding'), n);
      if (actor === undefined) return;
      if (actor.permit !== undefined) {
        onReleasing(actor);
        actor.permit.release();
      }
      actor.gate.set();
    };

    const checkInvariants = () => {
      const waiting = live('waiting').length;
      assert.equal(subject.free() + holders, subject.capacity, 'permits conserved (free + held = capacity)');
      if (subject.free() > 0) assert.equal(subject.waiters(), 0, 'nobody waits while a permit is free');
      assert.equal(subject.waiters(), waiting, 'every waiting actor is queued, and only those');
      // FIFO among waiters that were not cancelled: once every grant is delivered (here, after a turn of
      // the event loop), no live waiter has been overtaken by one that queued after it.
      const firstWaiting = Math.min(...live('waiting').map((a) => a.seq));
      const overtaker = actors.find((a) => a.queued && a.acquiredEver && a.seq > firstWaiting);
      assert.equal(overtaker, undefined, `FIFO: actor ${overtaker?.seq} got through before ${firstWaiting}`);
    };

    for (const command of commands) {
      switch (command.kind) {
        case 'acquire':
          spawn(command.via, command.withSignal);
          break;
        case 'release':
          release(command.pick);
          break;
        case 'cancel':
          pick([...live('waiting'), ...live('holding')], command.pick)?.cancel();
          break;
        case 'abort':
          pick(
            live('waiting').filter((a) => a.controller !== undefined),
            command.pick,
          )?.controller?.abort(new Error('aborted by the test'));
          break;
        case 'releaseThenCancel': {
          // The race of principle 5: a release grants the first waiter, which is cancelled in the same turn.
          release(command.pick);
          pick(live('waiting'), command.pick2)?.cancel();
          break;
        }
        case 'step':
          await checkpoint();
          checkInvariants();
          break;
      }
    }
    await checkpoint();
    checkInvariants();
    // Wind down: everyone still waiting gets through once holders leave.
    for (let rounds = 0; live('holding').length + live('waiting').length > 0; rounds++) {
      assert.ok(rounds < 200, 'winding down did not finish: a waiter is stuck');
      for (const actor of live('holding')) actor.gate.set();
      await checkpoint();
    }
    const outcomes = await Promise.allSettled(actors.map((a) => a.done));
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        const err = outcome.reason as Error;
        assert.ok(
          err.name === 'CancelledError' || err.message === 'aborted by the test',
          `unexpected failure: ${err.stack}`,
        );
      }
    }
    checkInvariants();
    assert.equal(subject.free(), subject.capacity);
    assert.equal(subject.waiters(), 0);
  };
  if (mode === 'tasks') await run(scenario);
  else await scenario();
}

function semaphoreSubject(sem: Semaphore, capacity: number): Subject {
  return {
    capacity,
    free: () => sem.value,
    waiters: () => sem.statistics().waiters,
    acquire: (signal) => sem.acquire({ signal }),
    runExclusive: (fn, signal) => sem.runExclusive(fn, { signal }),
  };
}

function lockSubject(lock: Lock): Subject {
  return {
    capacity: 1,
    free: () => (lock.locked() ? 0 : 1),
    waiters: () => lock.statistics().waiters,
    acquire: (signal) => lock.acquire({ signal }),
    runExclusive: (fn, signal) => lock.runExclusive(fn, { signal }),
  };
}

const commandsArb = fc.array(commandArb, { minLength: 1, maxLength: MAX_COMMANDS });

test('Semaphore: permits conserved, bound respected, FIFO among live waiters (property)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 3 }), commandsArb, async (capacity, commands) => {
      await exercise(semaphoreSubject(new Semaphore(capacity), capacity), commands, 'tasks');
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

test('BoundedSemaphore: never over-released by the library itself (property)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 3 }), commandsArb, async (capacity, commands) => {
      await exercise(semaphoreSubject(new BoundedSemaphore(capacity), capacity), commands, 'tasks');
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

test('Semaphore outside run(): uncancellable and cancellable waiters share one FIFO (property)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 3 }), commandsArb, async (capacity, commands) => {
      await exercise(semaphoreSubject(new Semaphore(capacity), capacity), commands, 'plain');
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
