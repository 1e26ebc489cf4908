// move(): transfer instead of copy, in both directions.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { move, ThreadPoolExecutor } from 'asyncio-ts/executor';
import { closeAndCheck, cooperative, job } from './fixtures/helpers.js';

describe('move', () => {
  let executor: ThreadPoolExecutor;
  before(() => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
  });
  after(() => closeAndCheck(executor));

  test('a moved ArrayBuffer is detached on the sender; the worker gets its bytes', async () => {
    const buffer = new ArrayBuffer(1024);
    new Uint8Array(buffer).fill(2);
    const sum = await executor.runJob(
      (b: ArrayBuffer) => new Uint8Array(b).reduce((a, x) => a + x, 0),
      [move(buffer)],
    );
    assert.equal(sum, 2048);
    assert.equal(buffer.byteLength, 0, 'detached');
  });

  test('a moved typed array takes its buffer along', async () => {
    const bytes = new Uint8Array(100).fill(1);
    assert.equal(await executor.runJob(job('sumBytes'), [move(bytes)]), 100);
    assert.equal(bytes.byteLength, 0);
  });

  test('without move() the buffer is copied and stays usable', async () => {
    const bytes = new Uint8Array(100).fill(1);
    assert.equal(await executor.runJob(job('sumBytes'), [bytes]), 100);
    assert.equal(bytes.byteLength, 100);
  });

  test('a job can move its result back', async () => {
    const buffer = await executor.runJob(cooperative('makeBuffer'), [64]);
    assert.ok(buffer instanceof ArrayBuffer);
    assert.equal(buffer.byteLength, 64);
    assert.equal(new Uint8Array(buffer)[63], 7);
  });
});
