// Twin of the seed's run_in_executor program: a blocking function (time.sleep(1), then n * n) offloaded to
// the default thread pool twice, gathered: [9, 16] after about 1 s, not 2 s.
//   def blocking_io(n): time.sleep(1); return n * n
//   async def main():
//       loop = asyncio.get_running_loop()
//       results = await asyncio.gather(loop.run_in_executor(None, blocking_io, 3),
//                                      loop.run_in_executor(None, blocking_io, 4))
//       print(results)
//   asyncio.run(main())
import { gather, run } from 'asyncio-ts';
import { runInExecutor } from 'asyncio-ts/executor';

// Sent to the worker by its source, so it must be self-contained (no variables from outside it).
function blockingIo(n: number): number {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000); // time.sleep(1): blocks its thread
  return n * n;
}

async function main(): Promise<void> {
  // Python starts a thread in microseconds; a worker thread boots its own JavaScript runtime first (tens of
  // milliseconds, more when it loads TypeScript through tsx). Start the two threads before timing the jobs.
  await gather(
    runInExecutor(null, () => 0),
    runInExecutor(null, () => 0),
  );

  const start = performance.now();
  // Offload to the default executor (a thread pool of os.availableParallelism() workers).
  const results = await gather(runInExecutor(null, blockingIo, 3), runInExecutor(null, blockingIo, 4));
  console.log(results, `${((performance.now() - start) / 1000).toFixed(2)}s`);
}

await run(main); // the run's default executor (and its threads) end with it
