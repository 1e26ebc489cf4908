// The encoding of a job's failure across the thread boundary (pure functions: no thread needed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CANCELLED_BEFORE_START,
  decodeFailure,
  encodeFailure,
  isCancelledBeforeStart,
  isEncodedFailure,
} from '../../src/executor/error-transport.js';

test('an error survives structured cloning with name, message, stack, own properties and cause', () => {
  class HttpishError extends Error {
    override name = 'HttpishError';
    status = 503;
    handler = () => 1; // not cloneable: dropped
  }
  const original = new HttpishError('upstream down', { cause: new RangeError('inner') });
  const encoded = structuredClone(encodeFailure(original));
  assert.ok(isEncodedFailure(encoded));
  const decoded = decodeFailure(encoded) as Error & { status?: number; handler?: unknown; cause?: Error };
  assert.ok(decoded instanceof Error);
  assert.equal(decoded.name, 'HttpishError');
  assert.equal(decoded.message, 'upstream down');
  assert.equal(decoded.stack, original.stack);
  assert.equal(decoded.status, 503);
  assert.equal(decoded.handler, undefined);
  assert.ok(decoded.cause instanceof RangeError);
  assert.equal(decoded.cause.message, 'inner');
  assert.equal(Object.keys(decoded).includes('name'), false, 'name stays a non-enumerable property');
});

test('built-in error types come back as their own class', () => {
  for (const Ctor of [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError]) {
    const decoded = decodeFailure(structuredClone(encodeFailure(new Ctor('x'))));
    assert.ok(decoded instanceof Ctor, Ctor.name);
  }
});

test('a thrown non-error value is kept (or described when it cannot be cloned)', () => {
  assert.deepEqual(decodeFailure(structuredClone(encodeFailure({ code: 7 }))), { code: 7 });
  assert.equal(decodeFailure(structuredClone(encodeFailure(42))), 42);
  assert.equal(decodeFailure(structuredClone(encodeFailure(Symbol('s')))), 'Symbol(s)');
});

test('a cause cycle does not hang the encoder', () => {
  const a = new Error('a') as Error & { cause?: unknown };
  const b = new Error('b', { cause: a });
  a.cause = b;
  const decoded = decodeFailure(structuredClone(encodeFailure(a))) as Error;
  assert.equal(decoded.message, 'a');
});

test('a ReferenceError raised in the sent function itself explains the no-closure rule', () => {
  const hint = 'asyncio-ts-job:work';
  const raised = new ReferenceError('limit is not defined');
  raised.stack = `ReferenceError: limit is not defined\n    at work (${hint}:3:20)\n    at runJob (worker.js:1:1)`;
  const decoded = decodeFailure(encodeFailure(raised, hint)) as Error;
  assert.match(decoded.message, /^limit is not defined in the worker thread\. .*no closures/);
  assert.ok(decoded.stack?.startsWith(`ReferenceError: ${decoded.message}\n    at work`));
  // Raised deeper (in a library the function called), it is left as it was.
  const deeper = new ReferenceError('x is not defined');
  deeper.stack = `ReferenceError: x is not defined\n    at lib (file:///lib.js:1:1)\n    at work (${hint}:3:20)`;
  assert.equal((decodeFailure(encodeFailure(deeper, hint)) as Error).message, 'x is not defined');
});

test('the cancelled-before-start marker is recognised', () => {
  const cloned = structuredClone(CANCELLED_BEFORE_START);
  assert.ok(isEncodedFailure(cloned));
  assert.ok(isCancelledBeforeStart(cloned));
  assert.equal(isEncodedFailure(new Error('x')), false);
  assert.equal(isEncodedFailure(null), false);
});
