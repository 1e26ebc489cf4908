// Twin of the seed's wait_for program: a five-second job given one second.
//   await asyncio.wait_for(slow(), timeout=1.0)  →  "Timed out!"
import { run, sleep, TimeoutError, waitFor } from 'asyncio-ts';

async function slow(): Promise<void> {
  await sleep(5000);
}

async function main(): Promise<void> {
  try {
    await waitFor(slow, 1000);
  } catch (err) {
    if (!(err instanceof TimeoutError)) throw err;
    console.log('Timed out!');
  }
}

await run(main);
