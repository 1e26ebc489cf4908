// Issue 11: a result that structured clone refuses rejects the job with a DataCloneError saying so, on the
// same (living) thread; move() refuses what cannot be transferred at the call.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { move, ThreadPoolExecutor, WorkerCrashedError } from 'asyncio-ts/executor';
import { closeAndCheck } from './fixtures/helpers.js';

const threadId = async () => (await import('node:worker_threads')).threadId;

describe('results that cannot be cloned', () => {
  let executor: ThreadPoolExecutor;
  before(() => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
  });
  after(() => closeAndCheck(executor));

  const results: Array<[string, () => unknown]> = [
    ['a function', () => () => 1],
    ['an object holding a function', () => ({ ok: 1, callback: () => 1 })],
    ['a promise-holding array', () => [Promise.resolve(1)]],
    ['a symbol', () => Symbol('s')],
  ];
  for (const [what, fn] of results) {
    test(`${what}: DataCloneError naming the problem, and the thread lives on`, async () => {
      const before = await executor.runJob(threadId, []);
      await assert.rejects(executor.runJob(fn, []), (err: unknown) => {
        assert.ok(!(err instanceof WorkerCrashedError), `a crash: ${String(err)}`);
        assert.equal((err as Error).name, 'DataCloneError');
        assert.equal((err as Error & { code?: string }).code, 'ERR_RESULT_NOT_CLONEABLE');
        assert.match((err as Error).message, /result could not be cloned/);
        return true;
      });
      assert.equal(await executor.runJob(threadId, []), before, 'the same thread serves the next job');
      assert.equal(executor.statistics().threads, 1);
    });
  }

  test('cloneable results of every common kind still come back as they were', async () => {
    const value = await executor.runJob(
      () => ({
        n: 1,
        s: 'x',
        list: [1, 2],
        map: new Map([[1, 'a']]),
        date: new Date(0),
        bytes: new Uint8Array(3),
      }),
      [],
    );
    assert.deepEqual(value.list, [1, 2]);
    assert.equal(value.map.get(1), 'a');
    assert.equal(value.bytes.length, 3);
  });
});

describe('move() of something not transferable', () => {
  for (const [what, value] of [
    ['a plain object', { a: 1 }],
    ['a string', 'text'],
    ['null', null],
    ['a number', 3],
    ['a SharedArrayBuffer', new SharedArrayBuffer(8)],
    ['a typed array on a SharedArrayBuffer', new Int32Array(new SharedArrayBuffer(8))],
  ] as const) {
    test(`${what}: TypeError at the call`, () => {
      assert.throws(() => move(value as never), {
        name: 'TypeError',
        message:
          /^move: value must be an ArrayBuffer, a typed array or DataView on an ArrayBuffer, or a MessagePort/,
      });
    });
  }

  test('transferable values are accepted, also twice', () => {
    const buffer = new ArrayBuffer(8);
    assert.doesNotThrow(() => move(move(buffer)));
    assert.doesNotThrow(() => move(new DataView(new ArrayBuffer(4))));
    const { port1, port2 } = new MessageChannel();
    assert.doesNotThrow(() => move(port1));
    port1.close();
    port2.close();
  });
});
