// Floor (the baseline of the ratio): the whole count on the main thread, which blocks the event loop.
import { main, measure } from '../../lib/bench-kit.mjs';
import { countPrimes } from './_primes.mjs';
import { EXPECTED, LIMIT, MEASURE } from './_work.mjs';

await main(async () => {
  let ok = true;
  const m = await measure(async () => {
    ok &&= countPrimes(0, LIMIT) === EXPECTED;
  }, MEASURE);
  return { value: m.median, ok, info: { threads: 1 } };
});
