import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { startTestServer } from 'asyncio-ts/testing';
import { useTestServer, within } from '../helpers/http.js';

/** A plain node:http GET (no keep-alive agent), so the server is tested without our client. */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startTestServer', () => {
  const ctx = useTestServer();

  test('listens on 127.0.0.1 and serves /json', async () => {
    const { server } = ctx;
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await get(`${server.url}/json`);
    assert.equal(res.status, 200);
    assert.equal(
      (JSON.parse(res.body.toString()) as { slideshow: { title: string } }).slideshow.title,
      'Sample Slide Show',
    );
    assert.equal(server.requests, 1);
  });

  test('echoes headers, arguments and the body', async () => {
    const { server } = ctx;
    const headers = await get(`${server.url}/headers`, { 'x-probe': 'yes' });
    assert.equal(
      (JSON.parse(headers.body.toString()) as { headers: Record<string, string> }).headers['x-probe'],
      'yes',
    );
    const anything = await get(`${server.url}/anything/x?a=1&b=2`);
    const echo = JSON.parse(anything.body.toString()) as {
      method: string;
      args: Record<string, string>;
      path: string;
    };
    assert.deepEqual([echo.method, echo.args, echo.path], ['GET', { a: '1', b: '2' }, '/anything/x']);
  });

  test('/status, /bytes, /stream, /redirect and /redirect-to', async () => {
    const { server } = ctx;
    assert.equal((await get(`${server.url}/status/418`)).status, 418);
    const bytes = await get(`${server.url}/bytes/1000`);
    assert.equal(bytes.body.length, 1000);
    assert.equal(bytes.body[1], (31 + 7) & 0xff);
    const lines = (await get(`${server.url}/stream/5`)).body.toString().trim().split('\n');
    assert.equal(lines.length, 5);
    const redirect = await get(`${server.url}/redirect/2`);
    assert.deepEqual([redirect.status, redirect.headers.location], [302, '/redirect/1']);
    const last = await get(`${server.url}/redirect/1`);
    assert.equal(last.headers.location, '/get');
    const to = await get(
      `${server.url}/redirect-to?url=${encodeURIComponent('http://example.com/')}&status=307`,
    );
    assert.deepEqual([to.status, to.headers.location], [307, 'http://example.com/']);
    assert.equal((await get(`${server.url}/nowhere`)).status, 404);
    assert.equal((await get(`${server.url}/bytes/x`)).status, 400);
  });

  test('/flaky fails the given number of times per key, with Retry-After', async () => {
    const { server } = ctx;
    const url = `${server.url}/flaky/k1?fails=2&status=503&retryAfter=3`;
    const first = await get(url);
    assert.deepEqual([first.status, first.headers['retry-after']], [503, '3']);
    assert.equal((await get(url)).status, 503);
    assert.equal((await get(url)).status, 200);
    assert.equal((await get(`${server.url}/flaky/k2?fails=0`)).status, 200);
  });

  test('/gzip and /gzip-bomb are gzip-encoded', async () => {
    const { server } = ctx;
    const res = await get(`${server.url}/gzip`);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal((JSON.parse(gunzipSync(res.body).toString()) as { gzipped: boolean }).gzipped, true);
    const bomb = await get(`${server.url}/gzip-bomb/1000000`);
    assert.ok(bomb.body.length < 10_000, `compressed size ${bomb.body.length}`);
    assert.equal(gunzipSync(bomb.body).length, 1_000_000);
  });

  test('counts connections, requests in flight and their peak', async () => {
    const { server } = ctx;
    await Promise.all([
      get(`${server.url}/delay/0.05`),
      get(`${server.url}/delay/0.05`),
      get(`${server.url}/delay/0.05`),
    ]);
    assert.equal(server.maxInFlight, 3);
    assert.equal(server.requests, 3);
    assert.equal(server.connections, 3);
    assert.equal(server.inFlight, 0);
  });

  test('a delayed route stops when the client leaves, and counts the abort', async () => {
    const { server } = ctx;
    const req = httpRequest(`${server.url}/delay/30`, { agent: false });
    req.on('error', () => {});
    req.end();
    await within(
      new Promise<void>((resolve) => {
        const check = (): void => (server.inFlight === 1 ? resolve() : void setImmediate(check));
        check();
      }),
      5000,
      'request arrives',
    );
    req.destroy();
    await within(server.waitForIdle(0), 5000, 'in flight back to 0');
    assert.equal(server.aborted, 1);
  });

  test('/close drops the connection in the middle of the body', async () => {
    const { server } = ctx;
    await assert.rejects(
      get(`${server.url}/close`),
      (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET' || /aborted/.test(err.message),
    );
    await assert.rejects(
      get(`${server.url}/close?when=headers`),
      (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET',
    );
  });

  test('close() ends hanging requests and open connections', async () => {
    const server = await startTestServer();
    const req = httpRequest(`${server.url}/hang`, { agent: false });
    const failed = new Promise<void>((resolve) => req.on('error', () => resolve()));
    req.end();
    await within(
      new Promise<void>((resolve) => {
        const check = (): void => (server.inFlight === 1 ? resolve() : void setImmediate(check));
        check();
      }),
      5000,
      'request arrives',
    );
    await server.close();
    await failed;
    assert.equal(server.openConnections, 0);
  });

  test('bad options throw synchronously at the call, naming the argument', () => {
    assert.throws(() => startTestServer({ port: -1 }), RangeError);
    assert.throws(() => startTestServer({ port: 70000 }), /options\.port/);
    assert.throws(() => startTestServer({ port: 1.5 }), /options\.port/);
    assert.throws(() => startTestServer('x' as never), TypeError);
  });
});
