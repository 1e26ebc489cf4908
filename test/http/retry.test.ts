import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancelledError, createTask, now, run } from 'asyncio-ts';
import { ClientSession, ClientTimeoutError, HttpStatusError, ServerDisconnectedError } from 'asyncio-ts/http';
import { VirtualClock } from 'asyncio-ts/testing';
import { backoffDelay, parseRetryAfter, resolveRetry } from '../../src/http/retry.js';
import { useTestServer, within } from '../helpers/http.js';

let keys = 0;
/** A fresh /flaky key per use, so the server's per-key counts never mix between tests. */
function flaky(query: string): string {
  return `/flaky/k${++keys}?${query}`;
}

describe('retry policy (unit)', () => {
  test('defaults (DESIGN §7) and validation', () => {
    const policy = resolveRetry(true, 'x');
    assert.ok(policy !== undefined);
    assert.equal(policy.attempts, 3);
    assert.deepEqual([...policy.statuses], [408, 429, 500, 502, 503, 504]);
    assert.deepEqual([...policy.methods], ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
    assert.deepEqual([policy.baseMs, policy.maxMs], [100, 10_000]);
    assert.equal(resolveRetry(undefined, 'x'), undefined);
    assert.equal(resolveRetry(false, 'x'), undefined);
    assert.deepEqual([...(resolveRetry({ methods: ['post'] }, 'x')?.methods ?? [])], ['POST']);
    assert.throws(() => resolveRetry({ attempts: 0 }, 'x'), RangeError);
    assert.throws(() => resolveRetry({ statuses: '503' as never }, 'x'), TypeError);
    assert.throws(() => resolveRetry({ backoff: { baseMs: -1 } }, 'x'), RangeError);
    assert.throws(() => resolveRetry({ methods: [1] as never }, 'x'), TypeError);
  });

  test('backoff: full jitter in [0, min(maxMs, baseMs * 2^(n-1)))', () => {
    const policy = resolveRetry({ backoff: { baseMs: 100, maxMs: 1000 } }, 'x');
    assert.ok(policy !== undefined);
    assert.equal(
      backoffDelay(policy, 1, () => 0),
      0,
    );
    assert.equal(
      backoffDelay(policy, 1, () => 0.999),
      99,
    );
    assert.equal(
      backoffDelay(policy, 3, () => 0.999),
      399,
    );
    assert.equal(
      backoffDelay(policy, 10, () => 0.999),
      999,
    );
    assert.equal(
      backoffDelay(policy, 2, () => 0.5),
      100,
    );
  });

  test('Retry-After: seconds, an HTTP date, or nothing usable', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter(' 0 '), 0);
    assert.equal(parseRetryAfter('0.25'), 250);
    const nowMs = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', nowMs), 5000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', nowMs), 0);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter('-1'), undefined);
  });
});

describe('retries against the server', () => {
  const ctx = useTestServer();

  test('a 503 is retried until it succeeds', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url, retry: { backoff: { baseMs: 1 } } });
    const res = await session.get(flaky('fails=2&status=503'));
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { attempt: number }).attempt, 3);
    assert.equal(server.requests, 3);
  });

  test('attempts are bounded: the last response is returned (or raised)', async () => {
    const { server } = ctx;
    await using session = new ClientSession({
      baseUrl: server.url,
      retry: { attempts: 2, backoff: { baseMs: 1 } },
    });
    const res = await session.get(flaky('fails=5&status=502'));
    assert.equal(res.status, 502);
    assert.equal(server.requests, 2);
    await assert.rejects(
      session.get(flaky('fails=5&status=500'), { raiseForStatus: true }),
      (err: unknown) => err instanceof HttpStatusError && err.status === 500,
    );
    assert.equal(server.requests, 4);
  });

  test('statuses not listed, and non-idempotent methods, are not retried', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url, retry: { backoff: { baseMs: 1 } } });
    assert.equal((await session.get(flaky('fails=1&status=404'))).status, 404);
    assert.equal((await session.post(flaky('fails=1&status=503'))).status, 503);
    assert.equal(server.requests, 2);
    // A method can be opted in.
    assert.equal(
      (
        await session.post(flaky('fails=1&status=503'), {
          retry: { methods: ['POST'], backoff: { baseMs: 1 } },
        })
      ).status,
      200,
    );
    // And retries can be turned off per request.
    assert.equal((await session.get(flaky('fails=1&status=503'), { retry: false })).status, 503);
  });

  test('a one-shot body is never retried', async () => {
    const { server } = ctx;
    await using session = new ClientSession({
      baseUrl: server.url,
      retry: { methods: ['PUT'], backoff: { baseMs: 1 } },
    });
    async function* body(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('once');
    }
    assert.equal((await session.put(flaky('fails=1&status=503'), { body: body() })).status, 503);
    assert.equal(server.requests, 1);
  });

  test('Retry-After is honoured (virtual clock: the wait is exact)', async () => {
    const { server } = ctx;
    const elapsed = await run(
      async () => {
        await using session = new ClientSession({
          baseUrl: server.url,
          retry: { backoff: { baseMs: 1, maxMs: 60_000 } },
        });
        const t0 = now();
        const res = await session.get(flaky('fails=1&status=429&retryAfter=30'));
        assert.equal(res.status, 200);
        return now() - t0;
      },
      { clock: new VirtualClock() },
    );
    assert.equal(elapsed, 30_000);
    assert.equal(server.requests, 2);
  });

  test('a Retry-After longer than backoff.maxMs ends the retries', async () => {
    const { server } = ctx;
    await using session = new ClientSession({
      baseUrl: server.url,
      retry: { backoff: { baseMs: 1, maxMs: 1000 } },
    });
    const res = await session.get(flaky('fails=1&status=503&retryAfter=3600'));
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '3600');
    assert.equal(server.requests, 1);
  });

  test('connection errors and timeouts are retried', async () => {
    const { server } = ctx;
    await using session = new ClientSession({
      baseUrl: server.url,
      retry: { attempts: 3, backoff: { baseMs: 1 } },
    });
    await assert.rejects(session.get('/close?when=headers'), ServerDisconnectedError);
    assert.equal(server.requests, 3);
    server.resetStats();
    await assert.rejects(
      session.get('/delay/30', { timeout: { total: 100 }, retry: { attempts: 2, backoff: { baseMs: 1 } } }),
      ClientTimeoutError,
    );
    await within(server.waitForIdle(0), 5000, 'server idle');
    assert.equal(server.requests, 2);
  });

  test('a task cancelled during the backoff is not retried', async () => {
    const { server } = ctx;
    await using session = new ClientSession({
      baseUrl: server.url,
      retry: { backoff: { baseMs: 60_000, maxMs: 60_000 } },
    });
    // The wait before the retry is at least Retry-After's 30 s, so the cancel lands in it.
    const task = createTask(() => session.get(flaky('fails=3&status=503&retryAfter=30')));
    await within(
      new Promise<void>((resolve) => {
        const check = (): void =>
          server.requests === 1 && server.inFlight === 0 ? resolve() : void setImmediate(check);
        check();
      }),
      5000,
      'first attempt answered',
    );
    task.cancel();
    await assert.rejects(Promise.resolve(task), CancelledError);
    assert.equal(server.requests, 1);
  });
});
