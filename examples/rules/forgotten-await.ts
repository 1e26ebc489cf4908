// Rule of thumb: forgetting `await` gives you a promise, not a result (in Python, a coroutine object),
// and a wait you forgot to await does not wait at all. TypeScript's types catch most of these (a Promise is
// not a string); debug mode reports a library wait that was never awaited, with the line that made it.
import { run, sleep } from 'asyncio-ts';

async function fetchGreeting(): Promise<string> {
  await sleep(100); // pretend to wait on I/O
  return 'Hello, asyncio!';
}

async function main(): Promise<void> {
  const greeting = fetchGreeting(); // forgot `await`
  console.log(`got: ${greeting}`); // got: [object Promise]
  const t0 = performance.now();
  sleep(200); // forgot `await`: does not wait at all
  console.log(`waited ${Math.round(performance.now() - t0)} ms instead of 200`);
  console.log(`got: ${await fetchGreeting()}`); // the fix: await it
  await sleep(200); // by now the forgotten sleep has ended; its promise is garbage
}

await run(main, { debug: true });
// Debug mode reports a dropped wait when it is garbage-collected. Collect now (the tour runs this with
// --expose-gc), so that the report comes before the program ends.
globalThis.gc?.();
await new Promise((resolve) => setTimeout(resolve, 20));
