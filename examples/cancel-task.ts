// Twin of the seed's "cancelling a task safely" program: a worker that cleans up when cancelled.
import { CancelledError, createTask, run, sleep } from 'asyncio-ts';

async function longRunning(): Promise<void> {
  try {
    while (true) {
      await sleep(500);
      console.log('working...');
    }
  } catch (err) {
    if (err instanceof CancelledError) console.log('cancelling: cleaning up...');
    // close files/sockets here
    throw err;
  }
}

async function main(): Promise<void> {
  const t = createTask(longRunning);
  await sleep(2000);
  t.cancel();
  try {
    await t;
  } catch (err) {
    if (!(err instanceof CancelledError)) throw err;
    console.log('task cancelled');
  }
}

await run(main);
