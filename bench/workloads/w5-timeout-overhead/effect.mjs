// Effect 4: Effect.timeout("1 second") around each operation, in an Effect loop; the bare loop is the same
// Effect loop without the timeout.
import { Effect } from 'effect';
import { main } from '../../lib/bench-kit.mjs';
import { extraPerOp, N, op, TIMEOUT_MS } from './_pairs.mjs';

const bareLoop = Effect.gen(function* () {
  let sum = 0;
  for (let i = 0; i < N; i++) sum += yield* Effect.promise(() => op(i));
  return sum;
});

const timedLoop = Effect.gen(function* () {
  let sum = 0;
  for (let i = 0; i < N; i++)
    sum += yield* Effect.timeout(
      Effect.promise(() => op(i)),
      TIMEOUT_MS,
    );
  return sum;
});

await main(() =>
  extraPerOp(
    () => Effect.runPromise(bareLoop),
    () => Effect.runPromise(timedLoop),
  ),
);
