// Twin of the seed's asyncio.Queue program: a producer enqueues ten jobs and then one `null` per consumer
// to tell it to stop; three consumers take jobs (0.3 s of "work" each) and mark them done; main waits for
// the producer, for every job to be done (join), and for the consumers to finish.
//
// One fix: the seed's consumers `break` on the sentinel without calling task_done(), so its
// `await q.join()` waits forever for three "unfinished" sentinels (run examples/seed/queue.py: it prints
// the ten lines, then hangs). Here the consumer marks the sentinel done too. examples/queue-shutdown.ts
// shows the sentinel-free way: shutdown() and `for await`.
import { createTask, Queue, run, sleep } from 'asyncio-ts';

async function producer(q: Queue<string | null>): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await q.put(`task-${i}`); // enqueue work
  }
  for (let i = 0; i < 3; i++) {
    // tell consumers to stop
    await q.put(null);
  }
}

async function consumer(name: string, q: Queue<string | null>): Promise<void> {
  while (true) {
    const item = await q.get();
    if (item === null) {
      q.taskDone(); // the seed forgets this one
      break; // shutdown signal
    }
    await sleep(300); // simulate work
    console.log(`${name} processed ${item}`);
    q.taskDone();
  }
}

async function main(): Promise<void> {
  const q = new Queue<string | null>();
  const prod = createTask(() => producer(q));
  const consumers = [0, 1, 2].map((i) => createTask(() => consumer(`C${i}`, q)));
  await prod;
  await q.join(); // wait until every job is done
  for (const c of consumers) {
    await c; // finish (after receiving null)
  }
}

await run(main);
