// Twin of the seed's "gather and limiting concurrency" program: 30 simulated fetches of 0.2–1.0 s, at most
// 5 at once through a Semaphore. Prints each result as it finishes, the total, and the peak concurrency
// seen (which never exceeds 5). Takes about 30 × 0.6 s / 5 ≈ 3.6 s.
import { gather, run, Semaphore, sleep } from 'asyncio-ts';

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

async function worker(i: number, sem: Semaphore): Promise<string> {
  using _permit = await sem.acquire(); // limit concurrent operations (released at the end of the block)
  const result = await fetchItem(i);
  console.log(`done: ${result}`);
  return result;
}

async function main(): Promise<void> {
  const sem = new Semaphore(5); // at most 5 concurrent fetches
  const tasks = Array.from({ length: 30 }, (_, i) => () => worker(i, sem));
  const results = await gather(...tasks);
  console.log('Total:', results.length);
  console.log('Peak concurrency:', peak);
}

await run(main);
