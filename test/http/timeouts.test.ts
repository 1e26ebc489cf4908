// Each timeout phase against the real server. The limits are small (100-200 ms) and the server's delays
// large (1-30 s), so the outcome never depends on how fast this machine is; only the phase is asserted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sleep, TimeoutError } from 'asyncio-ts';
import { ClientSession, ClientTimeoutError } from 'asyncio-ts/http';
import { DEFAULT_TIMEOUTS, resolveTimeouts } from '../../src/http/timeouts.js';
import { startSilentServer, useTestServer, within } from '../helpers/http.js';

function isTimeout(phase: string) {
  return (err: unknown): boolean =>
    err instanceof ClientTimeoutError &&
    err instanceof TimeoutError &&
    err.code === 'ERR_CLIENT_TIMEOUT' &&
    err.phase === phase;
}

describe('request timeouts', () => {
  const ctx = useTestServer();

  test('total: waiting for the headers; the server sees the request aborted', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url });
    // Warm up first (the first request of a process loads undici's parser): the test is about the server
    // seeing the abort, so the request must have reached it before the limit.
    await (await session.get('/json')).text();
    // 1 s rather than less: on a loaded machine a shorter limit can expire before the request reaches the server.
    await assert.rejects(session.get('/delay/30', { timeout: { total: 1000 } }), isTimeout('total'));
    await within(server.waitForIdle(0), 5000, 'server idle');
    assert.equal(server.aborted, 1);
  });

  test('total covers the body too', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    const res = await session.get('/drip?numbytes=3&duration=30', { timeout: { total: 200 } });
    assert.equal(res.status, 200);
    await assert.rejects(res.text(), isTimeout('total'));
  });

  test('sockRead: no response headers in time', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url, timeout: { sockRead: 100 } });
    await assert.rejects(session.get('/delay/30'), isTimeout('sockRead'));
  });

  test('sockRead: a gap between body chunks; steady data keeps it from firing', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url, timeout: { sockRead: 150 } });
    const slow = await session.get('/drip?numbytes=3&duration=30');
    await assert.rejects(slow.text(), isTimeout('sockRead'));
    // 8 bytes 50 ms apart: 400 ms in all, more than the 300 ms limit, but every gap is 6× shorter than it.
    // (The margin is wide so that a loaded machine does not make a gap look long.)
    const steady = await session.get('/drip?numbytes=8&duration=0.4', { timeout: { sockRead: 300 } });
    assert.equal(await steady.text(), '********');
  });

  test('sockRead pauses while our reader is slow (a slow consumer is not a slow server)', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url, timeout: { sockRead: 150 } });
    await (await session.get('/json')).text();
    // 1 MB: far more than the 64 KiB buffered before the socket is paused. We then read nothing for more
    // than three times the limit.
    const res = await session.get('/bytes/1000000');
    await sleep(500);
    const body = await res.bytes();
    assert.equal(body.length, 1_000_000);
  });

  test('connect: a TLS handshake that never completes; the half-open socket is closed', async () => {
    const silent = await startSilentServer();
    try {
      await using session = new ClientSession({ timeout: { connect: 100 } });
      await assert.rejects(session.get(`https://127.0.0.1:${silent.port}/`), isTimeout('connect'));
      await within(silent.waitForClosed(0), 5000, 'socket closed');
    } finally {
      await silent.close();
    }
  });

  test('per-request timeouts override the session, field by field', async () => {
    await using session = new ClientSession({
      baseUrl: ctx.server.url,
      timeout: { total: 60_000, sockRead: 100 },
    });
    await assert.rejects(
      session.get('/delay/30', { timeout: { total: 150, sockRead: null } }),
      isTimeout('total'),
    );
    await assert.rejects(session.get('/delay/30', { timeout: { total: 60_000 } }), isTimeout('sockRead'));
  });

  test('resolveTimeouts: defaults, null, Infinity, and bad values', () => {
    assert.equal(resolveTimeouts(undefined, DEFAULT_TIMEOUTS, 'x'), DEFAULT_TIMEOUTS);
    assert.equal(DEFAULT_TIMEOUTS.total, 300_000);
    const resolved = resolveTimeouts(
      { total: null, connect: 5, sockRead: Number.POSITIVE_INFINITY },
      DEFAULT_TIMEOUTS,
      'x',
    );
    assert.deepEqual(resolved, {
      total: Number.POSITIVE_INFINITY,
      connect: 5,
      sockRead: Number.POSITIVE_INFINITY,
    });
    assert.throws(() => resolveTimeouts({ total: -1 }, DEFAULT_TIMEOUTS, 'x'), RangeError);
    assert.throws(() => resolveTimeouts({ total: Number.NaN }, DEFAULT_TIMEOUTS, 'x'), RangeError);
    assert.throws(() => resolveTimeouts(null, DEFAULT_TIMEOUTS, 'x'), TypeError);
  });
});
