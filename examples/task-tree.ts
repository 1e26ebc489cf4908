// Seeing what a program waits for (docs/debugging.md): a pipeline that is stuck on purpose — a consumer
// waits on an empty queue, a writer on a lock that is never released, a poller sleeps — prints its task
// tree, as `run(main, { dumpOnSignal: 'SIGUSR2' })` would on `kill -USR2 <pid>`, then gives up.
import { createTask, Lock, Queue, run, sleep, taskGroup, timeout } from 'asyncio-ts';
import { formatTaskTree } from 'asyncio-ts/debug';

const jobs = new Queue<string>();
const disk = new Lock();

async function consumer(): Promise<void> {
  for (;;) console.log('got', await jobs.get()); // nobody puts anything
}

async function writer(): Promise<void> {
  using _ = await disk.acquire(); // main holds the lock and never lets go
}

async function poller(): Promise<void> {
  for (;;) await sleep(5000);
}

await run(
  async () => {
    using _held = await disk.acquire();
    const heartbeat = createTask(() => sleep(60_000), { name: 'heartbeat' });
    try {
      await timeout(300, () =>
        taskGroup(async (tg) => {
          tg.createTask(consumer, { name: 'consumer' });
          tg.createTask(writer, { name: 'writer' });
          tg.createTask(poller, { name: 'poller' });
          await sleep(200);
          console.log(formatTaskTree());
        }),
      );
    } catch (err) {
      console.log(`gave up: ${(err as Error).name}`);
    }
    heartbeat.cancel();
  },
  { debug: true, dumpOnSignal: 'SIGUSR2' },
);
