// The interleaving driver behind the queue properties (queue-properties.test.ts, and `npm run soak`, which
// runs the same properties many more times). One run: a random schedule of put/get calls of every kind (in
// a task, with a signal, under a timeout, or outside every task and without a signal), putNowait/getNowait,
// cancellations, signal aborts, virtual time jumps that fire timeouts (in the same turn as other events),
// shutdowns, microtask steps and event-loop turns. Checked at every step and at the end: no item lost or
// duplicated, qsize() <= maxsize, waiters only when they must wait, FIFO (Queue), nothing left pending.
import assert from 'node:assert/strict';
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
  timeout,
} from 'asyncio-ts';
import { VirtualClock } from 'asyncio-ts/testing';
import * as fc from 'fast-check';
import { storage } from '../../src/core/context.js';

export type Kind = 'fifo' | 'lifo' | 'priority';

/** How a waiting call is made: in a task (cancellable), with a signal, under a timeout, or plain. */
export type Via = 'task' | 'signal' | 'timeout' | 'plain';

export type QueueCommand =
  | { op: 'put' | 'get'; vias: Via[]; ms: number; turn: boolean } // callers, then maybe a turn (they wait)
  | { op: 'putNowait'; n: number } // n calls in a row
  | { op: 'getNowait'; n: number }
  | { op: 'cancel'; side: 'put' | 'get'; i: number } // the i-th live putter's or getter's task
  | { op: 'abort'; side: 'put' | 'get'; i: number } // its signal
  | { op: 'race'; side: 'put' | 'get'; n: number; i: number; how: 'cancel' | 'abort' | 'jump' } // below
  | { op: 'jump'; ms: number } // virtual time: due timeouts fire now, synchronously
  | { op: 'micro' } // one microtask: grants are delivered, their code has not resumed
  | { op: 'turn' } // one event-loop turn
  | { op: 'shutdown'; immediate: boolean };

const viaArb = fc.constantFrom<Via>('task', 'signal', 'timeout', 'plain');
const sideArb = fc.constantFrom<'put' | 'get'>('put', 'get');

export const queueCommandArb: fc.Arbitrary<QueueCommand> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constantFrom('put' as const, 'get' as const),
      vias: fc.array(viaArb, { minLength: 1, maxLength: 3 }),
      ms: fc.integer({ min: 1, max: 3 }),
      turn: fc.oneof(
        { weight: 3, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) },
      ),
    }),
  },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }).map<QueueCommand>((n) => ({ op: 'putNowait', n })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }).map<QueueCommand>((n) => ({ op: 'getNowait', n })) },
  // Small indexes: the oldest live actors, the ones most likely to hold a grant.
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('cancel' as const), side: sideArb, i: fc.nat(2) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('abort' as const), side: sideArb, i: fc.nat(2) }),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }).map<QueueCommand>((ms) => ({ op: 'jump', ms })) },
  { weight: 2, arbitrary: fc.constant<QueueCommand>({ op: 'micro' }) },
  { weight: 3, arbitrary: fc.constant<QueueCommand>({ op: 'turn' }) },
  // Principle 5's race: n non-waiting calls serve the waiters of the other side, one of which is then
  // cancelled, aborted or timed out in the same turn, before it could resume.
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('race' as const),
      side: sideArb,
      n: fc.integer({ min: 1, max: 3 }),
      i: fc.nat(1),
      how: fc.constantFrom('cancel' as const, 'abort' as const, 'jump' as const),
    }),
  },
);

export interface QueueScenario {
  kind: Kind;
  maxsize: number;
  commands: QueueCommand[];
  /** At most one shutdown, inserted before command `at` (a shutdown ends most of what could race after it). */
  shutdown: { at: number; immediate: boolean } | null;
}

export const queueScenarioArb: fc.Arbitrary<QueueScenario> = fc.record({
  kind: fc.constantFrom<Kind>('fifo', 'lifo', 'priority'),
  // Mostly bounded (the bound is where the races are), sometimes unbounded.
  maxsize: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }) },
    { weight: 1, arbitrary: fc.constant(0) },
  ),
  commands: fc.array(queueCommandArb, { minLength: 1, maxLength: 12 }),
  shutdown: fc.option(fc.record({ at: fc.nat(12), immediate: fc.boolean() }), { freq: 3 }),
});

function makeQueue(kind: Kind, maxsize: number): Queue<number> {
  if (kind === 'lifo') return new LifoQueue<number>(maxsize);
  if (kind === 'priority') return new PriorityQueue<number>(maxsize);
  return new Queue<number>(maxsize);
}

interface Actor {
  op: 'put' | 'get';
  via: Via;
  task: Task<void> | undefined;
  controller: AbortController | undefined;
  done: Promise<void>;
  settled: boolean;
}

/** Runs one scenario and checks every invariant; throws (an assertion) on the first violation. */
export async function runQueueScenario(scenario: QueueScenario): Promise<void> {
  const { kind, maxsize, shutdown } = scenario;
  const commands = [...scenario.commands];
  if (shutdown !== null) {
    commands.splice(Math.min(shutdown.at, commands.length), 0, {
      op: 'shutdown',
      immediate: shutdown.immediate,
    });
  }
  const clock = new VirtualClock({ autojump: false });
  await run(
    async () => {
      const q = makeQueue(kind, maxsize);
      // The order items enter the store (test instrumentation: the store is internal).
      const committed = new Map<number, number>();
      const store = (q as unknown as { store: { push(item: number, tolerant: boolean): void } }).store;
      const push = store.push.bind(store);
      store.push = (item, tolerant) => {
        push(item, tolerant);
        committed.set(item, committed.size);
      };
      const putCallOrder: number[] = []; // items of put() calls (not putNowait) that succeeded
      // Items are the sequence number of their put call, so FIFO is "increasing" (see the end).
      let putCalls = 0;
      let getCalls = 0;
      const added = new Set<number>(); // puts that resolved (or putNowait that returned)
      const refused = new Set<number>(); // puts that rejected: their item must never appear
      // `waited`: the get() call had to queue (no item was available when it was made).
      const received: Array<{ call: number; item: number; waited: boolean }> = [];
      let dropped = 0;
      const actors: Actor[] = [];

      const onItem = (call: number, item: number, waited = false) => {
        received.push({ call, item, waited });
        q.taskDone();
      };
      const spawn = (op: 'put' | 'get', via: Via, ms: number) => {
        const controller = via === 'signal' ? new AbortController() : undefined;
        const signal = controller?.signal;
        const call = async (): Promise<void> => {
          if (op === 'put') {
            const item = ++putCalls;
            try {
              await q.put(item, signal === undefined ? undefined : { signal });
              added.add(item);
              putCallOrder.push(item);
            } catch (err) {
              refused.add(item);
              throw err;
            }
          } else {
            const seq = ++getCalls;
            const before = q.statistics().getters;
            const pending = q.get(signal === undefined ? undefined : { signal });
            const waited = q.statistics().getters > before;
            onItem(seq, await pending, waited);
          }
        };
        const actor: Actor = {
          op,
          via,
          task: undefined,
          controller,
          done: Promise.resolve(),
          settled: false,
        };
        if (via === 'plain') {
          // Outside every task and without a signal: nothing can cancel it (only a shutdown ends its wait).
          actor.done = storage.exit(call);
        } else {
          actor.task = createTask(via === 'timeout' ? () => timeout(ms, call) : call);
          actor.done = Promise.resolve(actor.task);
        }
        actor.done.then(
          () => {
            actor.settled = true;
          },
          () => {
            actor.settled = true;
          },
        );
        actors.push(actor);
      };
      const live = () => actors.filter((a) => !a.settled);
      const pick = <T>(list: T[], i: number): T | undefined =>
        list.length === 0 ? undefined : list[i % list.length];

      const checkStep = () => {
        const stats = q.statistics();
        if (maxsize > 0) assert.ok(stats.qsize <= maxsize, `qsize ${stats.qsize} > maxsize ${maxsize}`);
        if (stats.getters > 0) assert.equal(stats.qsize, 0, 'a getter waits while an item is available');
        if (stats.putters > 0 && stats.state === 'open')
          assert.ok(q.full(), 'a putter waits on a queue not full');
        assert.equal(
          new Set(received.map((r) => r.item)).size,
          received.length,
          'an item was received twice',
        );
      };

      for (const command of commands) {
        switch (command.op) {
          case 'put':
          case 'get':
            for (const via of command.vias) spawn(command.op, via, command.ms);
            if (command.turn) await checkpoint();
            break;
          case 'putNowait':
            for (let k = 0; k < command.n; k++) {
              const item = ++putCalls;
              try {
                q.putNowait(item);
                added.add(item);
              } catch (err) {
                assert.ok(err instanceof QueueFull || err instanceof QueueShutDown, String(err));
                refused.add(item);
              }
              checkStep();
            }
            break;
          case 'getNowait':
            for (let k = 0; k < command.n; k++) {
              const seq = ++getCalls;
              try {
                onItem(seq, q.getNowait());
              } catch (err) {
                assert.ok(err instanceof QueueEmpty || err instanceof QueueShutDown, String(err));
              }
              checkStep();
            }
            break;
          case 'cancel':
            pick(
              live().filter((a) => a.op === command.side && a.task !== undefined),
              command.i,
            )?.task?.cancel();
            break;
          case 'abort':
            pick(
              live().filter((a) => a.op === command.side && a.controller !== undefined),
              command.i,
            )?.controller?.abort(new Error('aborted by the test'));
            break;
          case 'race': {
            const other = command.side === 'put' ? 'get' : 'put';
            const victims = live().filter((a) => a.op === other && a.via !== 'plain');
            for (let k = 0; k < command.n; k++) {
              if (command.side === 'put') {
                const item = ++putCalls;
                try {
                  q.putNowait(item);
                  added.add(item);
                } catch {
                  refused.add(item);
                }
              } else {
                const seq = ++getCalls;
                try {
                  onItem(seq, q.getNowait());
                } catch {}
              }
              checkStep();
            }
            const victim = pick(victims, command.i);
            if (command.how === 'jump') clock.jump(3);
            else if (command.how === 'abort' && victim?.controller !== undefined)
              victim.controller.abort(new Error('aborted by the test'));
            else victim?.task?.cancel();
            break;
          }
          case 'jump':
            clock.jump(command.ms);
            break;
          case 'micro':
            await Promise.resolve();
            break;
          case 'turn':
            await checkpoint();
            break;
          case 'shutdown': {
            const before = q.statistics().unfinishedTasks;
            q.shutdown(command.immediate);
            dropped += before - q.statistics().unfinishedTasks;
            break;
          }
        }
        checkStep();
      }

      // Wind down: cancel every task and abort every signal; a shutdown ends the plain waiters (putters fail,
      // getters still take what is left). Then everything must settle, and the rest is drained.
      for (const actor of actors) {
        actor.task?.cancel();
        actor.controller?.abort(new Error('aborted by the test'));
      }
      await Promise.all(actors.filter((a) => a.task !== undefined).map((a) => a.done.catch(() => undefined)));
      checkStep();
      const left: number[] = [];
      while (!q.empty()) left.push(q.getNowait());
      const beforeShutdown = q.statistics().unfinishedTasks;
      q.shutdown();
      dropped += beforeShutdown - q.statistics().unfinishedTasks;
      for (let rounds = 0; live().length > 0; rounds++) {
        assert.ok(rounds < 20, `${live().length} calls still pending after the shutdown`);
        await checkpoint();
      }
      const outcomes = await Promise.allSettled(actors.map((a) => a.done));
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          const err = outcome.reason as Error;
          assert.ok(
            ['CancelledError', 'TimeoutError', 'QueueShutDown'].includes(err.name) ||
              err.message === 'aborted by the test',
            `unexpected failure: ${err.stack}`,
          );
        }
      }

      // Nothing lost or duplicated: every added item was received, is left, or was dropped by shutdown(true).
      const all = [...received.map((r) => r.item), ...left];
      assert.equal(new Set(all).size, all.length, `an item came out twice: ${all}`);
      for (const item of all) {
        assert.ok(
          added.has(item),
          `${item} came out but its put ${refused.has(item) ? 'failed' : 'never ran'}`,
        );
      }
      assert.equal(all.length + dropped, added.size, `items lost: added ${added.size}, out ${all.length}`);
      // put() calls add their items in call order (items are put-call numbers), whatever the queue kind.
      const putCommits = [...putCallOrder].sort((a, b) => a - b).map((item) => committed.get(item)!);
      for (let i = 1; i < putCommits.length; i++) {
        assert.ok(putCommits[i - 1]! < putCommits[i]!, `put() order broken: ${putCommits.join(',')}`);
      }
      if (kind === 'fifo') {
        // Getters that had to wait are served in the order they queued: by call, their items entered in
        // order. (A get() that need not wait takes the first item not reserved for a woken getter; if that
        // getter is then cancelled, its item goes back to the head, so a later call may get an older item.)
        const waited = received.filter((r) => r.waited).sort((a, b) => a.call - b.call);
        const served = waited.map((r) => committed.get(r.item)!);
        for (let i = 1; i < served.length; i++) {
          assert.ok(served[i - 1]! < served[i]!, `FIFO broken among waiting getters: ${served.join(',')}`);
        }
        const rest = left.map((item) => committed.get(item)!);
        for (let i = 1; i < rest.length; i++) {
          assert.ok(rest[i - 1]! < rest[i]!, `the items left are out of order: ${rest.join(',')}`);
        }
      }
      const stats = q.statistics();
      assert.deepEqual([stats.getters, stats.putters, stats.qsize], [0, 0, 0], 'a waiter is still queued');
      assert.equal(stats.unfinishedTasks, left.length);
      for (const actor of actors) assert.ok(actor.task === undefined || actor.task.done());
    },
    { clock },
  );
  assert.equal(clock.pendingTimers, 0, 'a timer outlived the run');
}
