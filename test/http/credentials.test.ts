import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { after, before, describe, test } from 'node:test';
import { createTask, run, sleep } from 'asyncio-ts';
import { channelNames, formatTaskTree } from 'asyncio-ts/debug';
import { ClientSession, HttpStatusError, TooManyRedirects } from 'asyncio-ts/http';
import { type MiniServer, startMiniServer } from '../helpers/auth-cookie-server.js';
import { runCli } from '../helpers/cli.js';

const SECRET = 's3cr3t-Pa55';

let mini: MiniServer;
before(async () => {
  mini = await startMiniServer();
});
after(async () => {
  await mini.close();
});

function withCreds(path: string, user = 'ada', password = SECRET): string {
  return mini.url.replace('http://', `http://${user}:${encodeURIComponent(password)}@`) + path;
}

function assertClean(text: string, where: string): void {
  assert.ok(!text.includes(SECRET), `${where} shows the secret: ${text}`);
  assert.ok(!text.includes(encodeURIComponent(SECRET)), `${where} shows the secret: ${text}`);
}

describe('credentials in the URL', () => {
  test('are sent as Basic auth and removed from every URL the response keeps', async () => {
    await using session = new ClientSession();
    await using res = await session.get(withCreds(`/basic-auth/ada/${SECRET}`));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { authenticated: true, user: 'ada' });
    assert.equal(res.url, `${mini.url}/basic-auth/ada/${SECRET}`);
    assert.ok(!res.url.includes('ada:'), res.url);
  });

  test('percent-encoded userinfo is decoded (RFC 3986) before encoding the header', async () => {
    await using session = new ClientSession();
    const res = await session.get(withCreds('/echo', 'ada', 'p@ss:w/rd'));
    const { headers } = (await res.json()) as { headers: Record<string, string> };
    assert.equal(headers.authorization, `Basic ${Buffer.from('ada:p@ss:w/rd').toString('base64')}`);
  });

  test('no secret in url, history, error messages, the task tree, wait traces or CLI output', async () => {
    const seen: string[] = [];
    const onPark = (message: unknown): void => {
      const { wait } = message as { wait: { describe?: () => string; label?: string } };
      seen.push(String(wait.label ?? ''), wait.describe?.() ?? '');
    };
    diagnosticsChannel.subscribe(channelNames.waitPark, onPark);
    try {
      await run(async () => {
        await using session = new ClientSession({ maxRedirects: 1 });
        // Redirect hops: history and the final URL.
        const target = encodeURIComponent('/echo');
        const res = await session.get(withCreds(`/redirect-to?url=${target}`, 'ada', SECRET));
        await res.json();
        assertClean(res.url, 'response.url');
        assert.equal(res.history.length, 1);
        assertClean(JSON.stringify(res.history.map((h) => [h.status, h.url, [...h.headers]])), 'history');
        // An HTTP error turned into HttpStatusError.
        const err = await session
          .get(withCreds('/basic-auth/ada/other'), { raiseForStatus: true })
          .catch((e: unknown) => e);
        assert.ok(err instanceof HttpStatusError);
        assertClean(`${err.message} ${err.url} ${err.stack}`, 'HttpStatusError');
        // Too many redirects: the error's history.
        const twice = encodeURIComponent('/redirect-to?url=/echo');
        const many = await session.get(withCreds(`/redirect-to?url=${twice}`)).catch((e: unknown) => e);
        assert.ok(many instanceof TooManyRedirects);
        assertClean(`${many.message} ${JSON.stringify(many.history)}`, 'TooManyRedirects');
        // A refused connection.
        const refused = await session.get(`http://ada:${SECRET}@127.0.0.1:1/`).catch((e: unknown) => e);
        assertClean(`${(refused as Error).message} ${String((refused as Error).cause)}`, 'connection error');
        // A bad URL.
        assert.throws(
          () => session.get(`ftp://ada:${SECRET}@127.0.0.1/`),
          (e: Error) => e instanceof TypeError && !e.message.includes(SECRET),
        );
        // The task tree while a request is on the wire (a server that never answers in time).
        const hanging = createTask(() => session.get(withCreds('/echo'), { timeout: { total: 5000 } }), {
          name: 'fetch',
        });
        await sleep(0);
        assertClean(formatTaskTree(), 'task tree');
        await hanging;
      });
    } finally {
      diagnosticsChannel.unsubscribe(channelNames.waitPark, onPark);
    }
    assert.ok(seen.length > 0, 'wait points were published');
    assertClean(seen.join('\n'), 'wait traces');
  });

  test('CLI fetch output and --json lines do not show them', async () => {
    const url = withCreds(`/basic-auth/ada/${SECRET}`).replace(`/${SECRET}`, '/x');
    const plain = await runCli(['fetch', url]);
    assertClean(plain.stdout + plain.stderr, 'fetch output');
    const asJson = await runCli(['fetch', '--json', url]);
    assertClean(asJson.stdout + asJson.stderr, 'fetch --json output');
    assert.match(asJson.stdout, /"url":"http:\/\/127\.0\.0\.1:\d+\/basic-auth\/ada\/x"/);
  });
});

describe('auth option', () => {
  test('on the session and on a request; the request wins', async () => {
    await using session = new ClientSession({ auth: { username: 'ada', password: SECRET } });
    assert.equal((await session.get(`${mini.url}/basic-auth/ada/${SECRET}`)).status, 200);
    const other = await session.get(`${mini.url}/basic-auth/bob/pw`, {
      auth: { username: 'bob', password: 'pw' },
    });
    assert.equal(other.status, 200);
    other.release();
  });

  test('session auth with a baseUrl goes only to that origin', async () => {
    await using session = new ClientSession({
      baseUrl: `${mini.url}/`,
      auth: { username: 'ada', password: 'x' },
    });
    const own = (await (await session.get('echo')).json()) as { headers: Record<string, string> };
    assert.ok(own.headers.authorization?.startsWith('Basic '));
    const foreign = await session
      .get(`http://localhost:${new URL(mini.url).port}/echo`)
      .catch(() => undefined);
    if (foreign !== undefined) {
      const body = (await foreign.json()) as { headers: Record<string, string> };
      assert.equal(body.headers.authorization, undefined);
    }
  });

  test('credentials in baseUrl are the session credentials and do not leak into URLs', async () => {
    await using session = new ClientSession({ baseUrl: withCreds('/') });
    const res = await session.get(`basic-auth/ada/${SECRET}`);
    assert.equal(res.status, 200);
    assert.ok(!res.url.includes('ada:'));
    res.release();
  });

  test('both at once, or a bad auth value, is a TypeError at the call; the password is never echoed', async () => {
    await using session = new ClientSession();
    assert.throws(
      () => session.get(withCreds('/echo'), { auth: { username: 'a', password: 'b' } }),
      TypeError,
    );
    assert.throws(
      () =>
        session.get(`${mini.url}/echo`, {
          auth: { username: 'a', password: 'b' },
          headers: { authorization: 'x' },
        }),
      TypeError,
    );
    assert.throws(
      () => new ClientSession({ baseUrl: withCreds('/'), auth: { username: 'a', password: 'b' } }),
      TypeError,
    );
    assert.throws(() => new ClientSession({ auth: { username: 'a:b', password: SECRET } }), /username/);
    assert.throws(
      () => new ClientSession({ auth: { username: 'a', password: 5 as unknown as string } }),
      (e: Error) => e instanceof TypeError && /options\.auth\.password/.test(e.message),
    );
    assert.throws(
      () => new ClientSession({ auth: SECRET as never }),
      (e: Error) => e instanceof TypeError && !e.message.includes(SECRET),
    );
  });

  test('Authorization is not carried to another origin by a redirect', async () => {
    await using other = await startMiniServer().then((s) => ({ s, [Symbol.asyncDispose]: () => s.close() }));
    await using session = new ClientSession();
    const to = encodeURIComponent(`${other.s.url}/echo`);
    const res = await session.get(`${mini.url}/redirect-to?url=${to}`, {
      auth: { username: 'a', password: SECRET },
    });
    const body = (await res.json()) as { headers: Record<string, string> };
    assert.equal(body.headers.authorization, undefined);
  });
});

describe('request headers', () => {
  test('CR or LF in a header value is a TypeError at the call naming the header', async () => {
    await using session = new ClientSession();
    assert.throws(
      () => session.get(`${mini.url}/echo`, { headers: { 'x-a': 'a\r\nx-b: b' } }),
      /header 'x-a'/,
    );
    assert.throws(() => session.get(`${mini.url}/echo`, { headers: { 'x-a': 'a\nb' } }), TypeError);
    assert.throws(() => new ClientSession({ headers: { 'x-a': 'a\rb' } }), /header 'x-a'/);
  });
});
