import { AsyncLocalStorage } from 'node:async_hooks';
import { createTask, gather, run } from 'asyncio-ts';

const als = new AsyncLocalStorage();
await run(async () => {
  const a = als.run('request-A', () => createTask(async () => als.getStore()));
  const b = als.run('request-B', () => createTask(async () => als.getStore()));
  const c = createTask(async () => als.getStore());
  console.log('tasks see:', await a, await b, await c, '(expected request-A request-B undefined)');
});
