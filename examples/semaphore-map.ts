// The seed's semaphore program again, with `map(fn, items, { concurrency: 5 })` instead of a semaphore per
// job: five worker tasks pull the 30 items one by one, and the results come back in input order.
import { map, run, sleep } from 'asyncio-ts';

let active = 0;
let peak = 0;

async function fetchItem(i: number): Promise<string> {
  // Simulate a variable I/O wait (e.g., HTTP call)
  active++;
  peak = Math.max(peak, active);
  try {
    await sleep(200 + Math.random() * 800);
  } finally {
    active--;
  }
  return `item-${i}`;
}

async function main(): Promise<void> {
  const ids = Array.from({ length: 30 }, (_, i) => i);
  const results = await map(
    async (i) => {
      const result = await fetchItem(i);
      console.log(`done: ${result}`);
      return result;
    },
    ids,
    { concurrency: 5 }, // at most 5 concurrent fetches
  );
  console.log('Total:', results.length);
  console.log('In order:', results[0], '…', results[29]);
  console.log('Peak concurrency:', peak);
}

await run(main);
