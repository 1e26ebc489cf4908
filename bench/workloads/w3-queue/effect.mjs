// Effect 4: Queue.bounded(1000), a producer fiber and four consumer fibers. Effect's queue has no
// taskDone/join: a counter and a Deferred stand in for them (completed when every item was processed).
import { Deferred, Effect, Fiber, Queue } from 'effect';
import { main, measure } from '../../lib/bench-kit.mjs';
import { CONSUMERS, MAXSIZE, MEASURE, medianCpu, N, SENTINEL, timed, verify } from './_work.mjs';

function program(counts, sums) {
  return Effect.gen(function* () {
    const q = yield* Queue.bounded(MAXSIZE);
    const allDone = yield* Deferred.make();
    let done = 0;
    const consumer = (c) =>
      Effect.gen(function* () {
        for (;;) {
          const item = yield* Queue.take(q);
          if (item === SENTINEL) return;
          counts[c]++;
          sums[c] += item;
          if (++done === N) yield* Deferred.succeed(allDone, undefined); // taskDone() / join()
        }
      });
    const fibers = [];
    for (let c = 0; c < CONSUMERS; c++) fibers.push(yield* Effect.forkChild(consumer(c)));
    const producer = yield* Effect.forkChild(
      Effect.gen(function* () {
        for (let i = 0; i < N; i++) yield* Queue.offer(q, i);
      }),
    );
    yield* Fiber.join(producer);
    yield* Deferred.await(allDone);
    for (let c = 0; c < CONSUMERS; c++) yield* Queue.offer(q, SENTINEL);
    yield* Fiber.joinAll(fibers);
  });
}

await main(async () => {
  let ok = true;
  let spread;
  const cpu = [];
  const m = await measure(async () => {
    const counts = new Array(CONSUMERS).fill(0);
    const sums = new Array(CONSUMERS).fill(0);
    const { wallMs, cpuMs } = await timed(() => Effect.runPromise(program(counts, sums)));
    ok &&= verify(counts, sums);
    spread = counts;
    cpu.push(cpuMs);
    return wallMs;
  }, MEASURE);
  return {
    value: m.median,
    ok,
    info: { ...m, cpuMs: medianCpu(cpu, m.samples.length), perConsumer: spread },
  };
});
