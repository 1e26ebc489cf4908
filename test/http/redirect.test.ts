import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ClientSession, InvalidRedirectError, TooManyRedirects } from 'asyncio-ts/http';
import { startTestServer, type TestServer } from 'asyncio-ts/testing';
import { isRedirectStatus, nextHop } from '../../src/http/redirect.js';
import { type Hop, targetOf } from '../../src/http/request-options.js';
import { useTestServer } from '../helpers/http.js';

interface Echo {
  method: string;
  headers: Record<string, string>;
  data: string;
}

function hop(
  url: string,
  method = 'GET',
  headers: Record<string, string> = {},
  body: Hop['body'] = null,
): Hop {
  return {
    ...targetOf(new URL(url)),
    method,
    headers: Object.assign(Object.create(null), headers),
    body,
    replayable: true,
  };
}

describe('nextHop (unit)', () => {
  test('which statuses redirect', () => {
    assert.deepEqual([301, 302, 303, 307, 308].map(isRedirectStatus), [true, true, true, true, true]);
    assert.deepEqual([200, 300, 304, 305, 399].map(isRedirectStatus), [false, false, false, false, false]);
  });

  test('relative locations resolve against the current URL', () => {
    assert.equal(nextHop(hop('http://a.test/x/y'), 302, '../z?q=1', false)?.url.href, 'http://a.test/z?q=1');
  });

  test('an https → http downgrade is refused unless allowed', () => {
    assert.throws(
      () => nextHop(hop('https://a.test/'), 302, 'http://a.test/', false),
      (err: unknown) =>
        err instanceof InvalidRedirectError &&
        err.code === 'ERR_INVALID_REDIRECT' &&
        err.location === 'http://a.test/',
    );
    assert.equal(nextHop(hop('https://a.test/'), 302, 'http://a.test/', true)?.url.protocol, 'http:');
    assert.equal(nextHop(hop('http://a.test/'), 302, 'https://a.test/', false)?.url.protocol, 'https:');
  });

  test('a non-HTTP target is refused', () => {
    assert.throws(
      () => nextHop(hop('http://a.test/'), 302, 'file:///etc/passwd', true),
      InvalidRedirectError,
    );
    assert.throws(() => nextHop(hop('http://a.test/'), 302, 'http://[bad', true), InvalidRedirectError);
  });

  test('credentials stay with their origin (scheme, host and port)', () => {
    const secret = { authorization: 'Bearer t', cookie: 'c=1', 'proxy-authorization': 'p', 'x-keep': 'k' };
    for (const target of ['http://b.test/', 'https://a.test/', 'http://a.test:8080/']) {
      const next = nextHop(hop('http://a.test/', 'GET', secret), 302, target, true);
      assert.deepEqual({ ...next?.headers }, { 'x-keep': 'k' }, target);
    }
    const same = nextHop(hop('http://a.test/', 'GET', secret), 302, '/other', false);
    assert.deepEqual({ ...same?.headers }, secret);
  });

  test('303, and 301/302 after POST, become a body-less GET; 307/308 keep method and body', () => {
    const post = hop('http://a.test/', 'POST', { 'content-type': 'application/json', 'x-keep': 'k' }, '{}');
    for (const status of [301, 302, 303]) {
      const next = nextHop(post, status, '/n', false);
      assert.deepEqual(
        [next?.method, next?.body, { ...next?.headers }],
        ['GET', null, { 'x-keep': 'k' }],
        String(status),
      );
    }
    for (const status of [307, 308]) {
      const next = nextHop(post, status, '/n', false);
      assert.deepEqual([next?.method, next?.body], ['POST', '{}'], String(status));
    }
    assert.equal(nextHop(hop('http://a.test/', 'PUT', {}, 'x'), 302, '/n', false)?.method, 'PUT');
    assert.equal(nextHop(hop('http://a.test/', 'HEAD'), 303, '/n', false)?.method, 'HEAD');
  });

  test('a 307/308 whose body cannot be sent twice is not followed', () => {
    const once = { ...hop('http://a.test/', 'POST', {}, 'x'), replayable: false };
    assert.equal(nextHop(once, 307, '/n', false), undefined);
    assert.equal(nextHop(once, 303, '/n', false)?.method, 'GET');
  });
});

describe('redirects against the server', () => {
  const ctx = useTestServer();
  let other: TestServer;
  before(async () => {
    other = await startTestServer();
  });
  after(async () => {
    await other.close();
  });

  test('up to maxRedirects are followed; history, url and redirected say where we went', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url, maxRedirects: 3 });
    const res = await session.get('/redirect/3');
    assert.equal(res.status, 200);
    assert.equal(res.url, `${server.url}/get`);
    assert.equal(res.redirected, true);
    assert.deepEqual(
      res.history.map((hop) => [hop.status, hop.url, hop.headers.get('location')]),
      [
        [302, `${server.url}/redirect/3`, '/redirect/2'],
        [302, `${server.url}/redirect/2`, '/redirect/1'],
        [302, `${server.url}/redirect/1`, '/get'],
      ],
    );
    await res.text();
    // The redirect responses were released: their connection was reused.
    assert.ok(server.connections <= 2, `connections: ${server.connections}`);
  });

  test('one more than maxRedirects is TooManyRedirects', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    await assert.rejects(
      session.get('/redirect/4', { maxRedirects: 3 }),
      (err: unknown) =>
        err instanceof TooManyRedirects && err.code === 'ERR_TOO_MANY_REDIRECTS' && err.history.length === 4,
    );
    await assert.rejects(session.get('/redirect/1', { maxRedirects: 0 }), TooManyRedirects);
    // The default is 10, as aiohttp's.
    assert.equal((await session.get('/redirect/10')).status, 200);
    await assert.rejects(session.get('/redirect/11'), TooManyRedirects);
  });

  test('allowRedirects: false returns the 3xx itself', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    const res = await session.get('/redirect/2', { allowRedirects: false });
    assert.deepEqual(
      [res.status, res.headers.get('location'), res.redirected, res.ok],
      [302, '/redirect/1', false, true],
    );
  });

  test('Authorization, Cookie and Proxy-Authorization are not sent to another origin', async () => {
    const { server } = ctx;
    await using session = new ClientSession({
      baseUrl: server.url,
      headers: { authorization: 'Bearer secret' },
    });
    const headers = { cookie: 'session=1', 'proxy-authorization': 'Basic x', 'x-custom': 'kept' };
    const away = await session.get(`/redirect-to?url=${encodeURIComponent(`${other.url}/headers`)}`, {
      headers,
    });
    assert.equal(away.url, `${other.url}/headers`);
    const seen = ((await away.json()) as Echo).headers;
    assert.equal(seen['x-custom'], 'kept');
    assert.equal(seen.authorization, undefined);
    assert.equal(seen.cookie, undefined);
    assert.equal(seen['proxy-authorization'], undefined);
    const home = await session.get(`/redirect-to?url=${encodeURIComponent('/headers')}`, { headers });
    const kept = ((await home.json()) as Echo).headers;
    assert.deepEqual(
      [kept.authorization, kept.cookie, kept['proxy-authorization']],
      ['Bearer secret', 'session=1', 'Basic x'],
    );
  });

  test('303 turns a POST into a GET; 307 re-sends the POST with its body', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    const see = await session.post(`/redirect-to?url=/anything&status=303`, { json: { a: 1 } });
    const seeEcho = (await see.json()) as Echo;
    assert.deepEqual([seeEcho.method, seeEcho.data, seeEcho.headers['content-type']], ['GET', '', undefined]);
    const temp = await session.post(`/redirect-to?url=/anything&status=307`, { json: { a: 1 } });
    const tempEcho = (await temp.json()) as Echo;
    assert.deepEqual([tempEcho.method, tempEcho.data], ['POST', '{"a":1}']);
  });

  test('a redirect to a non-HTTP URL is refused', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    await assert.rejects(
      session.get(`/redirect-to?url=${encodeURIComponent('ftp://example.com/')}`),
      InvalidRedirectError,
    );
  });
});
