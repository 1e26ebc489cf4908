// Effect 4: fork 10,000 child fibers in Effect.sleep("10 seconds"), then Fiber.interruptAll (interrupts and
// awaits them).
import { Effect, Exit, Fiber } from 'effect';
import { main } from '../../lib/bench-kit.mjs';
import { cancelSleepers, N, SLEEP_MS } from './_sleepers.mjs';

const sleeper = Effect.sleep(SLEEP_MS);

function create() {
  const fibers = new Array(N);
  for (let i = 0; i < N; i++) fibers[i] = Effect.runFork(sleeper);
  return fibers;
}

async function cancelAndSettle(fibers) {
  await Effect.runPromise(Fiber.interruptAll(fibers));
  let cancelled = 0;
  for (const fiber of fibers) {
    const exit = fiber.pollUnsafe();
    if (exit !== undefined && Exit.hasInterrupts(exit)) cancelled++;
  }
  return cancelled;
}

await main(() => cancelSleepers(create, cancelAndSettle));
