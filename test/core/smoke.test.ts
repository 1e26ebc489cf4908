import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run, sleep } from 'asyncio-ts';

test('run returns the value of main', async () => {
  assert.equal(await run(async () => sleep(5, 'Hello, asyncio!')), 'Hello, asyncio!');
});
