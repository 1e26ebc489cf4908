import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AsyncioError,
  BrokenBarrierError,
  CancelledError,
  InvalidStateError,
  isCancellation,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  TimeoutError,
} from 'asyncio-ts';

const table = [
  [CancelledError, 'ERR_CANCELLED', () => new CancelledError()],
  [TimeoutError, 'ERR_TIMEOUT', () => new TimeoutError()],
  [InvalidStateError, 'ERR_INVALID_STATE', () => new InvalidStateError('bad state')],
  [QueueEmpty, 'ERR_QUEUE_EMPTY', () => new QueueEmpty()],
  [QueueFull, 'ERR_QUEUE_FULL', () => new QueueFull()],
  [QueueShutDown, 'ERR_QUEUE_SHUT_DOWN', () => new QueueShutDown()],
  [BrokenBarrierError, 'ERR_BROKEN_BARRIER', () => new BrokenBarrierError()],
] as const;

for (const [ctor, code, make] of table) {
  test(`${ctor.name}: name, stable code, Error and AsyncioError`, () => {
    const err = make();
    assert.equal(err.name, ctor.name);
    assert.equal(err.code, code);
    assert.ok(err instanceof Error);
    assert.ok(err instanceof AsyncioError);
    assert.ok(err instanceof ctor);
    assert.ok(typeof err.stack === 'string');
  });
}

test('instanceof is exact between classes', () => {
  assert.equal(new CancelledError() instanceof TimeoutError, false);
  assert.equal(new TimeoutError() instanceof CancelledError, false);
  assert.equal(new Error('x') instanceof CancelledError, false);
  assert.equal((null as unknown) instanceof CancelledError, false);
});

test('instanceof holds across two copies of the package (Symbol.for brands)', () => {
  // A second copy's class has a different identity but the same brand.
  class OtherCopyCancelledError extends Error {}
  const brands = Symbol.for('asyncio-ts.error-brands');
  Object.defineProperty(OtherCopyCancelledError.prototype, brands, {
    value: new Set([Symbol.for('asyncio-ts.AsyncioError'), Symbol.for('asyncio-ts.CancelledError')]),
  });
  const foreign = new OtherCopyCancelledError('from elsewhere');
  assert.ok(foreign instanceof CancelledError);
  assert.ok(isCancellation(foreign));
});

test('isCancellation: CancelledError, and an AbortError caused by one', () => {
  const cancelled = new CancelledError();
  const abort = new Error('aborted', { cause: cancelled });
  abort.name = 'AbortError';
  const domAbort = new DOMException('aborted', 'AbortError');
  assert.equal(isCancellation(cancelled), true);
  assert.equal(isCancellation(abort), true);
  assert.equal(isCancellation(domAbort), false);
  assert.equal(isCancellation(new Error('x', { cause: cancelled })), false);
  assert.equal(isCancellation(undefined), false);
  assert.equal(isCancellation('CancelledError'), false);
});

test('TimeoutError keeps its cause', () => {
  const cause = new CancelledError();
  assert.equal(new TimeoutError('late', { cause }).cause, cause);
});
