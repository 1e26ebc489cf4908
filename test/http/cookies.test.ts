import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ClientSession } from 'asyncio-ts/http';
import { CookieJar } from 'tough-cookie';
import { type MiniServer, startMiniServer } from '../helpers/auth-cookie-server.js';

let mini: MiniServer;
before(async () => {
  mini = await startMiniServer();
});
after(async () => {
  await mini.close();
});

async function cookieSent(session: ClientSession, path: string): Promise<string | undefined> {
  const res = await session.get(`${mini.url}${path}`);
  const body = (await res.json()) as { headers: Record<string, string> };
  return body.headers.cookie;
}

function setCookie(value: string, next?: string): string {
  const q = new URLSearchParams({ c: value });
  if (next !== undefined) q.set('next', next);
  return `/set-cookie?${q}`;
}

describe('cookies', () => {
  test('login → redirect → authenticated page in one session', async () => {
    await using session = new ClientSession();
    const res = await session.post(`${mini.url}/login`, { form: { user: 'ada', password: 'pw' } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { user: 'ada' });
    assert.deepEqual(
      res.history.map((h) => [h.status, new URL(h.url).pathname]),
      [[303, '/login']],
    );
    // And on a later request.
    assert.equal((await session.get(`${mini.url}/account`)).status, 200);
  });

  test('cookieJar: false keeps none', async () => {
    await using session = new ClientSession({ cookieJar: false });
    const res = await session.post(`${mini.url}/login`, { form: { user: 'ada' } });
    assert.equal(res.status, 401);
    res.release();
  });

  test('path scoping, also across redirects (RFC 6265 §5.1.4)', async () => {
    await using session = new ClientSession();
    const res = await session.get(`${mini.url}${setCookie('p=1; Path=/echo/private', '/echo/public')}`);
    const seen = (await res.json()) as { headers: Record<string, string> };
    assert.equal(seen.headers.cookie, undefined, 'not sent outside its path on the redirect');
    assert.equal(await cookieSent(session, '/echo/private/x'), 'p=1');
    assert.equal(await cookieSent(session, '/echo'), undefined);
  });

  test('a cookie set on the redirect response is sent on the hop it leads to', async () => {
    await using session = new ClientSession();
    const res = await session.get(`${mini.url}${setCookie('r=2; Path=/', '/echo')}`);
    const seen = (await res.json()) as { headers: Record<string, string> };
    assert.equal(seen.headers.cookie, 'r=2');
  });

  test('Secure cookies: loopback http counts as secure (as in browsers), other http does not; Max-Age=0 deletes', async () => {
    const jar = new CookieJar();
    jar.setCookieSync('remote=1; Secure; Path=/', 'https://example.com/');
    assert.equal(
      jar.getCookieStringSync('http://example.com/'),
      '',
      'tough-cookie keeps Secure off plain http',
    );
    await using session = new ClientSession({ cookieJar: jar });
    (await session.get(`${mini.url}${setCookie('s=1; Secure; Path=/')}`)).release();
    (await session.get(`${mini.url}${setCookie('k=1; Path=/')}`)).release();
    assert.equal(await cookieSent(session, '/echo'), 's=1; k=1');
    (await session.get(`${mini.url}${setCookie('k=1; Path=/; Max-Age=0')}`)).release();
    assert.equal(await cookieSent(session, '/echo'), 's=1');
  });

  test('a cookie for another domain is refused, and a jar cookie of another domain is not sent', async () => {
    const jar = new CookieJar();
    jar.setCookieSync('other=1; Domain=example.com; Path=/', 'http://example.com/');
    await using session = new ClientSession({ cookieJar: jar });
    (await session.get(`${mini.url}${setCookie('evil=1; Domain=example.com; Path=/')}`)).release();
    assert.equal(await cookieSent(session, '/echo'), undefined);
    assert.equal(jar.getCookieStringSync('http://example.com/'), 'other=1');
  });

  test('a passed-in jar is shared between sessions and can be serialised', async () => {
    const jar = new CookieJar();
    {
      await using first = new ClientSession({ cookieJar: jar });
      (await first.get(`${mini.url}${setCookie('shared=yes; Path=/')}`)).release();
    }
    await using second = new ClientSession({ cookieJar: jar });
    assert.equal(await cookieSent(second, '/echo'), 'shared=yes');
    const restored = CookieJar.deserializeSync(jar.serializeSync() as never);
    assert.equal(restored.getCookieStringSync(`${mini.url}/`), 'shared=yes');
  });

  test('a Cookie header set by hand is kept first and the jar adds its own', async () => {
    await using session = new ClientSession();
    (await session.get(`${mini.url}${setCookie('jar=1; Path=/')}`)).release();
    const res = await session.get(`${mini.url}/echo`, { headers: { cookie: 'hand=1' } });
    const body = (await res.json()) as { headers: Record<string, string> };
    assert.equal(body.headers.cookie, 'hand=1; jar=1');
  });

  test('a hand-set Cookie header is dropped on a cross-origin redirect, the jar scopes its own', async () => {
    const other = await startMiniServer();
    try {
      await using session = new ClientSession();
      const to = encodeURIComponent(`${other.url.replace('127.0.0.1', 'localhost')}/echo`);
      const res = await session
        .get(`${mini.url}/redirect-to?url=${to}`, { headers: { cookie: 'hand=1' } })
        .catch(() => undefined);
      if (res !== undefined) {
        const body = (await res.json()) as { headers: Record<string, string> };
        assert.equal(body.headers.cookie, undefined);
      }
    } finally {
      await other.close();
    }
  });

  test('a bad cookieJar is a TypeError at the call', () => {
    assert.throws(() => new ClientSession({ cookieJar: {} as never }), /options\.cookieJar/);
    assert.throws(() => new ClientSession({ cookieJar: true as never }), TypeError);
  });
});
