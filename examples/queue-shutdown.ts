// The seed's producer/consumer program without sentinels (asyncio 3.13's Queue.shutdown): the producer shuts
// the queue down after the last job; each consumer's `for await` loop takes the jobs left and ends once the
// queue is shut down and drained. Same output as examples/queue.ts, and nothing to forget.
import { createTask, Queue, run, sleep } from 'asyncio-ts';

async function producer(q: Queue<string>): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await q.put(`task-${i}`); // enqueue work
  }
  q.shutdown(); // no more work: consumers drain what is left, then their loops end
}

async function consumer(name: string, q: Queue<string>): Promise<void> {
  for await (const item of q) {
    await sleep(300); // simulate work
    console.log(`${name} processed ${item}`);
    q.taskDone();
  }
}

async function main(): Promise<void> {
  const q = new Queue<string>();
  const prod = createTask(() => producer(q));
  const consumers = [0, 1, 2].map((i) => createTask(() => consumer(`C${i}`, q)));
  await prod;
  await q.join(); // wait until every job is done
  for (const c of consumers) {
    await c; // each loop ended when the queue was drained
  }
}

await run(main);
