// Twin of the seed's "synchronous vs asynchronous" program: five one-second jobs, one after another with a
// blocking sleep (≈ 5 s), then concurrently with gather (≈ 1 s).
import { gather, run, sleep } from 'asyncio-ts';

// ----- synchronous -----
function blockingSleep(ms: number): void {
  // time.sleep(): blocks the whole thread, like Python's. Atomics.wait really parks the thread.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function syncJob(i: number): string {
  blockingSleep(1000); // blocks entire thread
  return `sync ${i}`;
}

function syncMain(): void {
  const start = performance.now();
  const results = [0, 1, 2, 3, 4].map((i) => syncJob(i));
  console.log(results, `${((performance.now() - start) / 1000).toFixed(2)}s`);
}

// ----- asynchronous -----
async function asyncJob(i: number): Promise<string> {
  await sleep(1000); // yields to the loop
  return `async ${i}`;
}

async function asyncMain(): Promise<void> {
  const start = performance.now();
  const results = await gather(...[0, 1, 2, 3, 4].map((i) => () => asyncJob(i)));
  console.log(results, `${((performance.now() - start) / 1000).toFixed(2)}s`);
}

syncMain(); // ≈ 5 seconds
await run(asyncMain); // ≈ 1 second
