import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTask, gather, InvalidStateError, now, RateLimiter, run, sleep } from 'asyncio-ts';
import { ClientConnectionError, ClientSession, HttpStatusError } from 'asyncio-ts/http';
import { startTestServer, VirtualClock } from 'asyncio-ts/testing';
import { useTestServer, within } from '../helpers/http.js';

interface Echo {
  method: string;
  url: string;
  args: Record<string, string>;
  headers: Record<string, string>;
  data: string;
  json: unknown;
  form: Record<string, string>;
}

describe('ClientSession', () => {
  const ctx = useTestServer();

  test('GET through baseUrl: status, ok, headers, url, body', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    const res = await session.get('/json');
    assert.equal(res.status, 200);
    assert.equal(res.ok, true);
    assert.equal(res.statusText, 'OK');
    assert.equal(res.headers.get('Content-Type'), 'application/json');
    assert.equal(res.url, `${ctx.server.url}/json`);
    assert.equal(res.redirected, false);
    assert.equal(res.method, 'GET');
    const data = await res.json<{ slideshow: { title: string } }>();
    assert.equal(data.slideshow.title, 'Sample Slide Show');
  });

  test('every verb, and request() with a lower-case method', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    for (const verb of ['get', 'post', 'put', 'patch', 'delete', 'options'] as const) {
      const echo = await (await session[verb]('/anything')).json<Echo>();
      assert.equal(echo.method, verb.toUpperCase());
    }
    const head = await session.head('/json');
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    assert.equal((await (await session.request('patch', '/anything')).json<Echo>()).method, 'PATCH');
  });

  test('request bodies: json, form, string, bytes, async iterable, FormData', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    const json = await (await session.post('/anything', { json: { a: [1, 2] } })).json<Echo>();
    assert.deepEqual(json.json, { a: [1, 2] });
    assert.equal(json.headers['content-type'], 'application/json');

    const form = await (
      await session.post('/anything', { form: { q: 'a b', n: 2, many: ['x', 'y'] } })
    ).json<Echo>();
    assert.deepEqual(form.form, { q: 'a b', n: '2', many: 'y' });
    assert.equal(form.data, 'q=a+b&n=2&many=x&many=y');

    const text = await (await session.put('/anything', { body: 'héllo' })).json<Echo>();
    assert.equal(text.data, 'héllo');
    assert.equal(text.headers['content-type'], 'text/plain; charset=utf-8');

    const bytes = await (
      await session.post('/anything', { body: new TextEncoder().encode('raw') })
    ).json<Echo>();
    assert.equal(bytes.data, 'raw');
    assert.equal(bytes.headers['content-type'], 'application/octet-stream');

    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('one,');
      await sleep(1);
      yield Buffer.from('two');
    }
    const streamed = await (await session.post('/anything', { body: chunks() })).json<Echo>();
    assert.equal(streamed.data, 'one,two');
    assert.equal(streamed.headers['transfer-encoding'], 'chunked');

    const fd = new FormData();
    fd.append('field', 'value');
    const multipart = await (await session.post('/anything', { form: fd })).json<Echo>();
    assert.match(multipart.headers['content-type'] ?? '', /^multipart\/form-data; boundary=/);
    assert.match(multipart.data, /name="field"\r\n\r\nvalue/);

    const typed = await (
      await session.post('/anything', { body: '{"x":1}', headers: { 'Content-Type': 'application/json' } })
    ).json<Echo>();
    assert.deepEqual(typed.json, { x: 1 });
  });

  test('query parameters: the URL own, the session, the request (overriding), arrays', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url, params: { api: 'v1', page: 1 } });
    const echo = await (
      await session.get('/get?own=yes', { params: { page: 2, tag: ['a', 'b'], skip: null } })
    ).json<Echo>();
    const url = new URL(echo.url);
    assert.deepEqual(
      [...url.searchParams],
      [
        ['own', 'yes'],
        ['api', 'v1'],
        ['page', '2'],
        ['tag', 'a'],
        ['tag', 'b'],
      ],
    );
  });

  test('headers: defaults, session headers, request headers override, null removes', async () => {
    await using session = new ClientSession({
      baseUrl: ctx.server.url,
      headers: { 'X-Session': 's', 'X-Both': 'session' },
    });
    const first = await (await session.get('/headers')).json<{ headers: Record<string, string> }>();
    assert.equal(first.headers['x-session'], 's');
    assert.equal(first.headers['user-agent'], 'asyncio-ts');
    assert.equal(first.headers['accept-encoding'], 'gzip, deflate, br');
    const second = await (
      await session.get('/headers', { headers: new Headers({ 'x-both': 'request', 'x-new': '1' }) })
    ).json<{ headers: Record<string, string> }>();
    assert.equal(second.headers['x-both'], 'request');
    assert.equal(second.headers['x-new'], '1');
    const third = await (
      await session.get('/headers', { headers: { 'user-agent': null, 'X-Session': null } })
    ).json<{ headers: Record<string, string> }>();
    assert.equal(third.headers['user-agent'], undefined);
    assert.equal(third.headers['x-session'], undefined);
  });

  test('connections are reused (counted at the server)', async () => {
    const { server } = ctx;
    {
      await using session = new ClientSession({ baseUrl: server.url });
      for (let i = 0; i < 10; i++) await (await session.get('/json')).text();
      // undici waits one event-loop turn before reusing a socket, so a tight loop alternates between two.
      assert.ok(server.connections <= 2, `connections: ${server.connections}`);
      assert.equal(server.requests, 10);
    }
    await within(server.waitForConnections(0), 5000, 'closed');
    server.resetStats();
    await using session = new ClientSession({ baseUrl: server.url, limitPerHost: 1 });
    for (let i = 0; i < 10; i++) await (await session.get('/json')).text();
    assert.equal(server.connections, 1);
  });

  test('limit bounds the requests in flight (the server never sees more)', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url, limit: 3 });
    const statuses = await gather(
      ...Array.from({ length: 12 }, () => () => session.get('/delay/0.03').then((r) => r.status)),
    );
    assert.deepEqual(statuses, Array(12).fill(200));
    assert.equal(server.maxInFlight, 3);
  });

  test('limitPerHost bounds each origin; limit bounds them all', async () => {
    const other = await startTestServer();
    try {
      await using session = new ClientSession({ limit: 3, limitPerHost: 2 });
      const urls = Array.from(
        { length: 8 },
        (_, i) => `${i % 2 === 0 ? ctx.server.url : other.url}/delay/0.03`,
      );
      // Sample the combined count every event-loop turn while the requests run (a broken limit shows as 4+).
      let peak = 0;
      let sampling = true;
      const sample = (): void => {
        peak = Math.max(peak, ctx.server.inFlight + other.inFlight);
        if (sampling) setImmediate(sample);
      };
      sample();
      try {
        await gather(...urls.map((url) => async () => (await session.get(url)).text()));
      } finally {
        sampling = false;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
      assert.ok(ctx.server.maxInFlight <= 2, `first host peak ${ctx.server.maxInFlight}`);
      assert.ok(other.maxInFlight <= 2, `second host peak ${other.maxInFlight}`);
      assert.ok(peak <= 3, `combined peak ${peak}`);
      assert.equal(ctx.server.requests + other.requests, 8);
    } finally {
      await other.close();
    }
  });

  test('rateLimit spaces requests (virtual clock: exact times)', async () => {
    const server = ctx.server;
    const times = await run(
      async () => {
        await using session = new ClientSession({ baseUrl: server.url, rateLimit: { rate: 1, perMs: 1000 } });
        const t0 = now();
        return await gather(
          ...Array.from({ length: 4 }, () => async () => {
            const res = await session.get('/json');
            await res.text();
            return now() - t0;
          }),
        );
      },
      { clock: new VirtualClock() },
    );
    assert.deepEqual(times, [0, 1000, 2000, 3000]);
  });

  test('rateLimit perHost gives each origin its own bucket; a shared RateLimiter is shared', async () => {
    const other = await startTestServer();
    try {
      const perHost = await run(
        async () => {
          await using session = new ClientSession({ rateLimit: { rate: 1, perMs: 500, perHost: true } });
          const t0 = now();
          return await gather(
            ...[ctx.server.url, other.url, ctx.server.url, other.url].map((base) => async () => {
              await (await session.get(`${base}/json`)).text();
              return now() - t0;
            }),
          );
        },
        { clock: new VirtualClock() },
      );
      assert.deepEqual(perHost, [0, 0, 500, 500]);
      const shared = await run(
        async () => {
          const limiter = new RateLimiter(1, 500);
          await using a = new ClientSession({ rateLimit: limiter });
          await using b = new ClientSession({ rateLimit: limiter });
          const t0 = now();
          return await gather(
            ...[a, b, a].map((session) => async () => {
              await (await session.get(`${ctx.server.url}/json`)).text();
              return now() - t0;
            }),
          );
        },
        { clock: new VirtualClock() },
      );
      assert.deepEqual(shared, [0, 500, 1000]);
    } finally {
      await other.close();
    }
  });

  test('raiseForStatus: on the response, per session, per request', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    const res = await session.get('/status/404');
    assert.equal(res.ok, false);
    assert.throws(
      () => res.raiseForStatus(),
      (err: unknown) =>
        err instanceof HttpStatusError &&
        err.code === 'ERR_HTTP_STATUS' &&
        err.status === 404 &&
        err.url === `${ctx.server.url}/status/404` &&
        err.method === 'GET',
    );
    (await session.get('/status/204')).raiseForStatus();
    await assert.rejects(
      session.get('/status/500', { raiseForStatus: true }),
      (err: unknown) => err instanceof HttpStatusError && err.status === 500,
    );
    await using strict = new ClientSession({ baseUrl: ctx.server.url, raiseForStatus: true });
    await assert.rejects(strict.get('/status/503'), HttpStatusError);
    assert.equal((await strict.get('/status/503', { raiseForStatus: false })).status, 503);
  });

  test('a closed session refuses requests (InvalidStateError) and close() is idempotent', async () => {
    const session = new ClientSession({ baseUrl: ctx.server.url });
    await (await session.get('/json')).text();
    const closing = session.close();
    assert.equal(session.close(), closing);
    await closing;
    assert.equal(session.closed, true);
    await assert.rejects(
      session.get('/json'),
      (err: unknown) => err instanceof InvalidStateError && err.code === 'ERR_INVALID_STATE',
    );
  });

  test('close() aborts running requests and requests waiting for a permit', async () => {
    const { server } = ctx;
    const session = new ClientSession({ baseUrl: server.url, limit: 1 });
    const running = assert.rejects(session.get('/hang'), ClientConnectionError);
    const queued = assert.rejects(session.get('/json'), InvalidStateError);
    await within(
      new Promise<void>((resolve) => {
        const check = (): void => (server.inFlight === 1 ? resolve() : void setImmediate(check));
        check();
      }),
      5000,
      'request arrives',
    );
    await session.close();
    await running;
    await queued;
    assert.equal(server.requests, 1);
  });

  test('a body received before close() stays readable', async () => {
    const session = new ClientSession({ baseUrl: ctx.server.url });
    const res = await session.get('/json');
    await session.close();
    assert.equal(((await res.json()) as { slideshow: object }).slideshow !== undefined, true);
  });

  test('bad arguments throw TypeError/RangeError naming them', async () => {
    assert.throws(
      () => new ClientSession({ limit: -1 }),
      (err: Error) => err instanceof RangeError && /options\.limit/.test(err.message),
    );
    assert.throws(() => new ClientSession({ limit: 1.5 }), RangeError);
    assert.throws(() => new ClientSession({ limitPerHost: -2 }), /options\.limitPerHost/);
    assert.throws(
      () => new ClientSession({ baseUrl: 'not a url' }),
      (err: Error) => err instanceof TypeError && /baseUrl/.test(err.message),
    );
    assert.throws(
      () => new ClientSession({ timeout: { total: 0 } }),
      (err: Error) => err instanceof RangeError && /timeout\.total/.test(err.message),
    );
    assert.throws(() => new ClientSession({ timeout: { connect: 'soon' as never } }), /timeout\.connect/);
    assert.throws(
      () => new ClientSession({ timeout: { sockread: 1 } as never }),
      /unknown timeout option 'sockread'/,
    );
    assert.throws(() => new ClientSession({ retry: { attempts: 0 } }), /retry\.attempts/);
    assert.throws(() => new ClientSession({ rateLimit: { rate: 0, perMs: 1000 } }), RangeError);
    assert.throws(() => new ClientSession({ maxRedirects: -1 }), /options\.maxRedirects/);
    assert.throws(() => new ClientSession({ limt: 3 } as never), /unknown option 'limt'/);
    assert.throws(() => new ClientSession({ headers: { 'bad header': 'x' } }), /header name/);
    await using session = new ClientSession();
    assert.throws(
      () => session.get('relative/path'),
      (err: Error) => err instanceof TypeError && /url must be an absolute URL/.test(err.message),
    );
    assert.throws(() => session.get('ftp://example.com/'), /http: or https:/);
    assert.throws(() => session.get(42 as never), /url must be a string or a URL/);
    assert.throws(() => session.request('GE T', 'http://127.0.0.1/'), /method/);
    assert.throws(() => session.get(`${ctx.server.url}/x`, { json: {}, body: 'x' }), /only one of/);
    assert.throws(() => session.get(`${ctx.server.url}/x`, { signal: 'no' as never }), /signal/);
    assert.throws(() => session.get(`${ctx.server.url}/x`, { maxResponseBytes: -1 }), /maxResponseBytes/);
    assert.throws(() => session.get(`${ctx.server.url}/x`, { params: 5 as never }), /params/);
    assert.throws(() => session.get(`${ctx.server.url}/x`, { body: 5 as never }), /options\.body/);
    assert.throws(
      () => session.get(`${ctx.server.url}/x`, { timout: 1 } as never),
      /unknown option 'timout'/,
    );
    assert.equal(ctx.server.requests, 0);
  });

  test('a session works outside run() and across runs', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    assert.equal((await session.get('/json')).status, 200);
    const inRun = await run(async () => (await session.get('/json')).status);
    assert.equal(inRun, 200);
    const task = createTask(async () => (await session.get('/json')).status);
    assert.equal(await task, 200);
  });
});
