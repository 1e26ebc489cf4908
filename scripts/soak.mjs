// `npm run soak`: the property tests of the queues and the synchronisation primitives, run many more times
// than in `npm test` (each run of a property is one random interleaving). Not part of `npm test`: it takes
// minutes. FC_RUNS sets the runs per property (default 7500: about 10^5 interleavings in all); FC_SEED the
// seed (default: a new one each time, printed, so that each soak explores new schedules and a failure can be
// replayed with `FC_SEED=<seed> FC_RUNS=<runs> npm run soak`).
import { spawnSync } from 'node:child_process';

/** Each file and the runs it makes per FC_RUNS (its properties' numRuns multipliers, summed). */
const FILES = {
  'test/queues/queue-properties.test.ts': 6, // four properties × 1, the interleavings property × 2
  'test/sync/properties.test.ts': 8, // eight properties × 1
};

const runs = Number(process.env.FC_RUNS ?? 7500);
const seed = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647);
if (!Number.isInteger(runs) || runs < 1)
  throw new RangeError(`FC_RUNS must be an integer >= 1, received ${runs}`);
if (!Number.isInteger(seed)) throw new RangeError(`FC_SEED must be an integer, received ${seed}`);

const started = performance.now();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=3600000', ...Object.keys(FILES)],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '', FC_RUNS: String(runs), FC_SEED: String(seed) },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  },
);
process.stdout.write(result.stdout);
const seconds = (performance.now() - started) / 1000;
const passed = Number(/ℹ pass (\d+)/.exec(result.stdout)?.[1] ?? 0);
const expectedTests = 5 + 8; // one test per property (see FILES)
const interleavings = runs * Object.values(FILES).reduce((a, b) => a + b, 0);
if (result.status !== 0) {
  console.error(`soak FAILED (FC_SEED=${seed} FC_RUNS=${runs}): see the counterexample above`);
  process.exit(result.status ?? 1);
}
if (passed !== expectedTests) {
  console.error(`soak: ${passed} tests passed, expected ${expectedTests}: update FILES in scripts/soak.mjs`);
  process.exit(1);
}
console.log(
  `soak: ${interleavings.toLocaleString('en')} interleavings (${runs} runs per property, FC_SEED=${seed}) passed in ${seconds.toFixed(0)} s on Node ${process.version}`,
);
