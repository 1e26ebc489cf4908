// Twin of the seed's first program: a coroutine that pretends to wait on I/O for one second.
//   async def hello(): await asyncio.sleep(1); return "Hello, asyncio!"
//   result = asyncio.run(hello()); print(result)
import { run, sleep } from 'asyncio-ts';

async function hello(): Promise<string> {
  await sleep(1000); // pretend to wait on I/O
  return 'Hello, asyncio!';
}

const result = await run(hello); // runs the task and cleans up after it
console.log(result);
