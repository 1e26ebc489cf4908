// The interleaving driver behind the lock-like properties (properties.test.ts, and `npm run soak`, which runs
// the same properties many more times): random acquirers of every kind (in a task, with a signal, under a
// timeout on a VirtualClock, or outside every task and without a signal, all in one FIFO; a Semaphore's
// also weighted), releases, hand
// releases, cancellations, aborts and virtual-time jumps, including in the same synchronous turn as a
// release (principle 5's race). Checked against DESIGN §5: permits conserved, the bound respected, FIFO
// among live waiters, nothing pending after the run.
import assert from 'node:assert/strict';
import {
  type Condition,
  checkpoint,
  createTask,
  Event,
  Lock,
  type Permit,
  run,
  type Semaphore,
  type Task,
  timeout,
} from 'asyncio-ts';
import { VirtualClock } from 'asyncio-ts/testing';
import fc from 'fast-check';
import { storage } from '../../src/core/context.js';

export const MAX_COMMANDS = 40;

/** How an acquirer waits: in a task, with a signal (in a task), under a timeout, or plain (no task, no signal). */
export type How = 'task' | 'signal' | 'timeout' | 'plain';

export type Command =
  | { kind: 'acquire'; via: 'acquire' | 'runExclusive'; how: How; ms: number; weight: number }
  | { kind: 'release'; pick: number }
  | { kind: 'handRelease' } // release() by hand, not through a Permit (subjects that allow it)
  | { kind: 'cancel'; pick: number }
  | { kind: 'abort'; pick: number }
  | { kind: 'releaseThenCancel'; pick: number; pick2: number; jump: boolean } // jump: time out instead
  | { kind: 'jump'; ms: number } // virtual time: due timeouts fire now, synchronously
  | { kind: 'micro' }
  | { kind: 'step' };

export const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('acquire' as const),
      via: fc.constantFrom('acquire' as const, 'runExclusive' as const),
      how: fc.constantFrom<How>('task', 'signal', 'timeout', 'plain'),
      ms: fc.integer({ min: 1, max: 4 }),
      // `acquire({ weight })` of a Semaphore (others ignore it); mostly 1.
      weight: fc.oneof(
        { weight: 3, arbitrary: fc.constant(1) },
        { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'handRelease' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('jump' as const), ms: fc.integer({ min: 1, max: 2 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'micro' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat(20) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('releaseThenCancel' as const),
      pick: fc.nat(20),
      pick2: fc.nat(20),
      jump: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'step' as const }) },
);

/** A lock-like under test, seen through what the invariants need. */
export interface Subject {
  /** Permits in all: a hand release of a Semaphore adds one (asyncio semantics). */
  capacity: number;
  /** A hand `release()` when the subject allows one here (and updates `capacity`); false if it does not. */
  handRelease(): boolean;
  free(): number;
  waiters(): number;
  /** `weight` > 1 only where `weighted` (a Semaphore's `acquire({ weight })`). */
  acquire(signal: AbortSignal | undefined, weight: number): Promise<Permit>;
  weighted: boolean;
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
  /** Permits it takes (a weighted acquire: more than one). */
  weight: number;
}

/**
 * Runs `commands` against `subject`. In 'tasks' mode every actor is a task of a run (cancellable waiters);
 * in 'plain' mode actors are plain async functions outside every run, so an actor without a signal waits
 * as an uncancellable waiter and one with a signal as a cancellable one: both kinds share one FIFO.
 */
export async function exercise(
  subject: Subject,
  commands: Command[],
  mode: 'tasks' | 'plain',
): Promise<void> {
  const clock = new VirtualClock({ autojump: false });
  const scenario = async () => {
    let calls = 0;
    const actors: Actor[] = [];
    let holders = 0;
    let maxHolders = 0;

    let lastQueuedIn = 0; // the place in line of the last actor that queued and then got in
    let weightedWaiting = 0; // weighted acquires waiting: they collect permits out of sight (not in `free`)
    const onAcquired = (actor: Actor) => {
      // Waiters resume in the order they queued, whatever their kind (not only "are granted" in order).
      if (actor.queued) {
        assert.ok(
          actor.seq > lastQueuedIn,
          `FIFO: ${actor.seq} resumed after ${lastQueuedIn}, which queued later`,
        );
        lastQueuedIn = actor.seq;
      }
      actor.state = 'holding';
      holders += actor.weight;
      maxHolders = Math.max(maxHolders, holders);
      assert.ok(holders <= subject.capacity, `exclusion broken: ${holders} holders of ${subject.capacity}`);
      actor.acquiredEver = true;
    };
    const onReleasing = (actor: Actor) => {
      if (actor.state === 'holding') holders -= actor.weight;
      actor.state = 'finished';
    };

    const spawn = (via: 'acquire' | 'runExclusive', how: How, ms: number, asked: number) => {
      // A weight above the permits there are could never be granted: at most `capacity`.
      const weight = via === 'acquire' && subject.weighted ? Math.min(asked, subject.capacity) : 1;
      // Outside a run there are no tasks nor clock: 'timeout' becomes 'signal', 'task' becomes 'plain'.
      const withSignal = how === 'signal' || (mode === 'plain' && how === 'timeout');
      const actor = {
        seq: Number.POSITIVE_INFINITY, // its place in line: numbered when it calls
        queued: false,
        acquiredEver: false,
        state: 'starting',
        controller: withSignal ? new AbortController() : undefined,
        permit: undefined,
        gate: new Event(),
        weight,
      } as Omit<Actor, 'done' | 'cancel'> as Actor;
      const body = async () => {
        actor.seq = ++calls;
        actor.queued = subject.waiters() > 0 || subject.free() < weight;
        actor.state = 'waiting';
        if (actor.queued && weight > 1) weightedWaiting++;
        try {
          if (via === 'acquire') {
            let permit: Permit;
            try {
              permit = await subject.acquire(actor.controller?.signal, weight);
            } finally {
              if (actor.queued && weight > 1) weightedWaiting--;
            }
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
      if (mode === 'tasks' && how !== 'plain') {
        const task: Task<void> = createTask(how === 'timeout' ? () => timeout(ms, body) : body);
        actor.done = Promise.resolve(task);
        actor.cancel = () => task.cancel();
      } else if (mode === 'tasks') {
        // In the run, but outside every task and without a signal: nothing can cancel it.
        actor.done = storage.exit(body);
        actor.cancel = () => undefined;
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
      if (weightedWaiting === 0) {
        assert.equal(
          subject.free() + holders,
          subject.capacity,
          'permits conserved (free + held = capacity)',
        );
      } else {
        assert.ok(
          subject.free() + holders <= subject.capacity,
          'permits conserved (free + held <= capacity)',
        );
      }
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
          spawn(command.via, command.how, command.ms, command.weight);
          break;
        case 'handRelease':
          subject.handRelease();
          break;
        case 'jump':
          if (mode === 'tasks') clock.jump(command.ms);
          break;
        case 'micro':
          await Promise.resolve();
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
          if (command.jump && mode === 'tasks') clock.jump(4);
          else pick(live('waiting'), command.pick2)?.cancel();
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
          err.name === 'CancelledError' ||
            err.name === 'TimeoutError' ||
            err.message === 'aborted by the test',
          `unexpected failure: ${err.stack}`,
        );
      }
    }
    checkInvariants();
    assert.equal(subject.free(), subject.capacity);
    assert.equal(subject.waiters(), 0);
  };
  if (mode === 'tasks') await run(scenario, { clock });
  else await scenario();
  assert.equal(clock.pendingTimers, 0, 'a timer outlived the run');
}

export const commandsArb: fc.Arbitrary<Command[]> = fc.array(commandArb, {
  minLength: 1,
  maxLength: MAX_COMMANDS,
});

export function semaphoreSubject(sem: Semaphore, capacity: number, handReleases: boolean): Subject {
  const subject: Subject = {
    capacity,
    handRelease: () => {
      if (!handReleases) return false;
      sem.release(); // adds a permit (asyncio): to the first waiter, or to the pool
      subject.capacity++;
      return true;
    },
    free: () => sem.value,
    waiters: () => sem.statistics().waiters,
    acquire: (signal, weight) => sem.acquire(weight === 1 ? { signal } : { signal, weight }),
    weighted: true,
    runExclusive: (fn, signal) => sem.runExclusive(fn, { signal }),
  };
  return subject;
}

/** A Lock, or a Condition used as one (its acquire/release/runExclusive are the underlying lock's). */
export function lockSubject(lock: Lock | Condition): Subject {
  const waiters = () => (lock instanceof Lock ? lock.statistics().waiters : lock.statistics().lockWaiters);
  return {
    capacity: 1,
    handRelease: () => false, // covered by the targeted tests of order-and-exclusion.test.ts
    free: () => (lock.locked() ? 0 : 1),
    waiters,
    acquire: (signal) => lock.acquire({ signal }),
    weighted: false,
    runExclusive: (fn, signal) => lock.runExclusive(fn, { signal }),
  };
}
