// workerFunction references and the checks on functions sent by source.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ThreadPoolExecutor, workerFunction } from 'asyncio-ts/executor';
import { closeAndCheck } from './fixtures/helpers.js';

describe('workerFunction', () => {
  let executor: ThreadPoolExecutor;
  before(() => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
  });
  after(() => closeAndCheck(executor));

  test('takes a URL or an absolute path; the export defaults to "default"', () => {
    const fromUrl = workerFunction(new URL('file:///srv/jobs.mjs'), 'fib');
    assert.equal(fromUrl.moduleUrl, 'file:///srv/jobs.mjs');
    assert.equal(fromUrl.exportName, 'fib');
    assert.equal(workerFunction('/srv/jobs.mjs').exportName, 'default');
    assert.equal(workerFunction('/srv/jobs.mjs').moduleUrl, 'file:///srv/jobs.mjs');
    assert.equal(Object.isFrozen(fromUrl), true);
    assert.equal(Object.prototype.toString.call(fromUrl), '[object WorkerFunction]');
  });

  test('bad arguments are TypeErrors naming the argument', () => {
    assert.throws(() => workerFunction('./jobs.js', 'fib'), {
      name: 'TypeError',
      message:
        /^workerFunction: moduleUrl must be a URL or an absolute path .*received string "\.\/jobs\.js"$/,
    });
    assert.throws(
      () => workerFunction(42 as never),
      /moduleUrl must be a URL or an absolute path, received number 42/,
    );
    assert.throws(() => workerFunction('/srv/jobs.js', ''), /exportName must be a non-empty string/);
    assert.throws(
      () => workerFunction('/srv/jobs.js', 7 as never),
      /exportName must be a non-empty string, received number 7/,
    );
  });

  test('a missing .js whose .ts source exists resolves to the source (tsx); an existing file is kept', () => {
    const ref = workerFunction(new URL('./fixtures/jobs.js', import.meta.url), 'whoAmI');
    assert.match(ref.moduleUrl, /fixtures\/jobs\.ts$/);
    const existing = new URL('../../scripts/run-tests.mjs', import.meta.url);
    assert.equal(workerFunction(existing).moduleUrl, existing.href);
  });

  test('a module export runs in the worker (here a data: URL module)', async () => {
    const triple = workerFunction<(n: number) => number>(
      'data:text/javascript,export function triple(n) { return n * 3; }',
      'triple',
    );
    assert.equal(await executor.runJob(triple, [14]), 42);
  });

  test('a missing or non-function export fails the job with a TypeError that says so', async () => {
    const jobs = new URL('./fixtures/jobs.js', import.meta.url);
    await assert.rejects(executor.runJob(workerFunction(jobs, 'noSuchExport'), []), {
      name: 'TypeError',
      message: /export "noSuchExport" of .*jobs\.ts is not a function \(no such export\)/,
    });
    await assert.rejects(
      executor.runJob(workerFunction(jobs, 'notAFunction'), []),
      /is not a function \(a number\)/,
    );
  });

  test('a module that cannot be imported fails the job with the import error', async () => {
    await assert.rejects(executor.runJob(workerFunction('/nonexistent/jobs.mjs', 'f'), []), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
  });
});

describe('functions sent by source', () => {
  let executor: ThreadPoolExecutor;
  before(() => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
  });
  after(() => closeAndCheck(executor));

  test('a class, a method that uses `this` and an accessor are TypeErrors at the call', () => {
    class Counter {
      count = 1;
      next(): number {
        return this.count + 1;
      }
      get value(): number {
        return this.count;
      }
    }
    assert.throws(() => executor.runJob(Counter as never, []), {
      name: 'TypeError',
      message:
        /ThreadPoolExecutor\.runJob: fn \(function Counter\) cannot be sent to a worker thread: it is a class/,
    });
    assert.throws(() => executor.runJob(Counter.prototype.next, []), /it uses `this`/);
    const getter = Object.getOwnPropertyDescriptor(Counter.prototype, 'value')!.get!;
    assert.throws(() => executor.runJob(getter, []), /method or accessor that cannot stand alone/);
  });

  test('methods written in shorthand run when they do not use `this`', async () => {
    const tools = {
      double(n: number): number {
        return n * 2;
      },
      async later(n: number): Promise<number> {
        return n + 1;
      },
    };
    assert.equal(await executor.runJob(tools.double, [21]), 42);
    assert.equal(await executor.runJob(tools.later, [41]), 42);
    // `this` in a string is not code.
    assert.equal(await executor.runJob((s: string) => `${s}: this is fine`, ['ok']), 'ok: this is fine');
  });
});
