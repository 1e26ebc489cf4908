// Rule of thumb: a blocking call (Python's time.sleep) inside async code blocks the whole event loop.
// Debug mode catches it and names the task; moved to a worker thread with toThread, the loop stays free.
import { createTask, gather, now, run, sleep } from 'asyncio-ts';
import { toThread } from 'asyncio-ts/executor';

function blockingIo(ms: number): number {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); // time.sleep(): the thread stops
  return ms;
}

/** Ticks every 50 ms for `ms`: how many ticks made it shows whether the loop was free. */
async function heartbeat(ms: number): Promise<number> {
  let ticks = 0;
  for (const end = now() + ms; now() < end; ticks++) await sleep(50);
  return ticks;
}

async function main(): Promise<void> {
  // Start the worker thread first: booting a thread's JavaScript runtime takes a moment of its own.
  await toThread(() => 0);

  // Wrong: the blocking call runs on the event loop, so the heartbeat stalls for 300 ms.
  const onLoop = createTask(async () => blockingIo(300), { name: 'blockingIo' });
  const [stalled] = await gather(heartbeat(400), onLoop);
  console.log(`blocking call on the loop: ${stalled} heartbeats in 400 ms`);

  // Right: the same call on a worker thread; the heartbeat keeps its pace.
  const [steady] = await gather(heartbeat(400), () => toThread(blockingIo, 300));
  console.log(`the same call through toThread: ${steady} heartbeats in 400 ms`);
}

// Debug mode warns when a task blocks the loop longer than slowCallbackMs (default 100 ms; 200 here, so that
// only the 300 ms call is reported, not the hiccups of a busy machine).
await run(main, { debug: true, slowCallbackMs: 200 });
