import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AsyncioError } from 'asyncio-ts';
import { WorkerCrashedError } from 'asyncio-ts/executor';

test('WorkerCrashedError has a stable code, its exit code and its cause', () => {
  const cause = new Error('worker exited with code: 3');
  const error = new WorkerCrashedError('crashed', { cause, exitCode: 3 });
  assert.equal(error.name, 'WorkerCrashedError');
  assert.equal(error.code, 'ERR_WORKER_CRASHED');
  assert.equal(error.exitCode, 3);
  assert.equal(error.cause, cause);
  assert.ok(error instanceof WorkerCrashedError);
  assert.ok(error instanceof AsyncioError);
  assert.equal(new WorkerCrashedError('x').exitCode, undefined);
});
