/**
 * `ClientSession` against real servers: Debian's python3-httpbin on gunicorn and nginx, both started on
 * 127.0.0.1 by this file and stopped at its end. Skipped with a one-line reason when one is not installed;
 * with `CI` set, that is a failure instead.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { now, run } from 'asyncio-ts';
import { ClientSession, TooManyRedirects } from 'asyncio-ts/http';
import { VirtualClock } from 'asyncio-ts/testing';
import { BIG_SIZE, type RealServer, startHttpbin, startNginx } from '../helpers/real-servers.js';

const httpbin = await startHttpbin();
const nginx = await startNginx();
after(async () => {
  if (typeof httpbin !== 'string') await httpbin.close();
  if (typeof nginx !== 'string') await nginx.close();
});

/** `describe` options: skip with the reason, unless in CI, where a missing server is a failing test. */
function needs(server: RealServer | string, name: string): { skip?: string } {
  if (typeof server !== 'string') return {};
  if (process.env.CI) {
    test(`${name} must be installed in CI`, () => assert.fail(server));
    return { skip: server };
  }
  return { skip: server };
}

type Json = Record<string, unknown>;
const bin = (path: string): string => `${(httpbin as RealServer).url}${path}`;
const ngx = (path: string): string => `${(nginx as RealServer).url}${path}`;

describe('interop: httpbin (gunicorn)', needs(httpbin, 'python3-httpbin'), () => {
  test('redirects: history lists every hop with status, url and headers', async () => {
    await using session = new ClientSession();
    const res = await session.get(bin('/redirect/3'));
    assert.equal(res.status, 200);
    assert.equal(res.url, bin('/get'));
    assert.deepEqual(
      res.history.map((h) => [h.status, new URL(h.url).pathname]),
      [
        [302, '/redirect/3'],
        [302, '/relative-redirect/2'],
        [302, '/relative-redirect/1'],
      ],
    );
    assert.ok(res.history.every((h) => h.headers.get('location') !== null));
    await res.json();
    const abs = await session.get(bin('/absolute-redirect/2'));
    assert.equal(abs.history.length, 2);
    abs.release();
    await assert.rejects(session.get(bin('/redirect/4'), { maxRedirects: 2 }), TooManyRedirects);
  });

  test('a 307 repeats the POST with its body; a 303 turns it into a GET', async () => {
    await using session = new ClientSession();
    const to = encodeURIComponent('/post');
    const res = await session.post(bin(`/redirect-to?url=${to}&status_code=307`), { json: { a: 1 } });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as Json).json, { a: 1 });
    const get = await session.post(bin(`/redirect-to?url=${encodeURIComponent('/get')}&status_code=303`), {
      json: { a: 1 },
    });
    assert.equal(get.status, 200);
    assert.equal(get.history[0]?.status, 303);
    get.release();
  });

  test('cookies: set on a redirect, sent after it, deleted', async () => {
    await using session = new ClientSession();
    const res = await session.get(bin('/cookies/set?flavour=oat&size=big'));
    assert.deepEqual(((await res.json()) as Json).cookies, { flavour: 'oat', size: 'big' });
    assert.equal(res.history[0]?.status, 302);
    const del = await session.get(bin('/cookies/delete?size'));
    assert.deepEqual(((await del.json()) as Json).cookies, { flavour: 'oat' });
    await using none = new ClientSession({ cookieJar: false });
    const bare = await none.get(bin('/cookies/set?x=1'));
    assert.deepEqual(((await bare.json()) as Json).cookies, {});
  });

  test('basic auth from the URL and from options; the secret never shows', async () => {
    await using session = new ClientSession();
    const url = bin('/basic-auth/ada/l0ve1ace').replace('http://', 'http://ada:l0ve1ace@');
    const res = await session.get(url);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { authenticated: true, user: 'ada' });
    assert.ok(!res.url.includes('ada:'));
    const opt = await session.get(bin('/hidden-basic-auth/bob/pw'), {
      auth: { username: 'bob', password: 'pw' },
    });
    assert.equal(opt.status, 200);
    opt.release();
    const wrong = await session.get(bin('/basic-auth/ada/other'), {
      auth: { username: 'ada', password: 'x' },
    });
    assert.equal(wrong.status, 401);
    wrong.release();
  });

  test('encodings: gzip, deflate, brotli decoded; utf-8 text; charset from Content-Type', async () => {
    await using session = new ClientSession();
    for (const encoding of ['gzip', 'deflate', 'brotli']) {
      const res = await session.get(bin(`/${encoding}`));
      const body = (await res.json()) as Json;
      assert.equal(
        body[encoding === 'brotli' ? 'brotli' : encoding === 'gzip' ? 'gzipped' : 'deflated'],
        true,
      );
    }
    const utf8 = await session.get(bin('/encoding/utf8'));
    assert.equal(utf8.charset, 'utf-8');
    utf8.release();
    const b64 = Buffer.from('café ∮ E⋅da = Q').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    const text = await session.get(bin(`/base64/${b64}`));
    assert.equal(await text.text(), 'café ∮ E⋅da = Q');
    const typed = await session.get(bin('/response-headers?Content-Type=text/plain;%20charset=ISO-8859-1'));
    assert.equal(typed.contentType, 'text/plain');
    assert.equal(typed.charset, 'iso-8859-1');
    typed.release();
  });

  test('streaming: /stream lines, /drip bytes, /stream-bytes chunks', async () => {
    await using session = new ClientSession();
    const lines = await session.get(bin('/stream/20'));
    let text = '';
    for await (const chunk of lines.body) text += Buffer.from(chunk).toString();
    assert.equal(text.trim().split('\n').length, 20);
    const drip = await session.get(bin('/drip?numbytes=50&duration=0.2&delay=0'));
    let total = 0;
    for await (const chunk of drip.body) total += chunk.byteLength;
    assert.equal(total, 50);
    const bytes = await session.get(bin('/stream-bytes/100000?chunk_size=1000&seed=1'));
    assert.equal((await bytes.bytes()).byteLength, 100000);
  });

  test('Range: a 206 with the bytes asked for', async () => {
    await using session = new ClientSession();
    const res = await session.get(bin('/range/1024'), { headers: { range: 'bytes=10-19' } });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get('content-range'), 'bytes 10-19/1024');
    assert.equal(await res.text(), 'klmnopqrst');
  });

  test('multipart: a FormData with a field and a file', async () => {
    await using session = new ClientSession();
    const form = new FormData();
    form.append('name', 'asyncio-ts');
    form.append('upload', new Blob(['file body'], { type: 'text/plain' }), 'notes.txt');
    const res = await session.post(bin('/post'), { form });
    const body = (await res.json()) as { form: Json; files: Json; headers: Json };
    assert.deepEqual(body.form, { name: 'asyncio-ts' });
    assert.deepEqual(body.files, { upload: 'file body' });
    assert.match(String(body.headers['Content-Type']), /^multipart\/form-data; boundary=/);
    const urlencoded = await session.post(bin('/post'), { form: { a: '1', b: ['2', '3'] } });
    assert.deepEqual(((await urlencoded.json()) as Json).form, { a: '1', b: ['2', '3'] });
  });

  test('retries: a 503 is retried up to attempts and returned as it is', async () => {
    await using session = new ClientSession({ retry: { attempts: 2, backoff: { baseMs: 1, maxMs: 5 } } });
    const res = await session.get(bin('/status/503'));
    assert.equal(res.status, 503);
    res.release();
  });
});

describe('interop: nginx', needs(nginx, 'nginx'), () => {
  const big = (): Buffer => readFileSync(join((nginx as RealServer).dir, 'www', 'big.bin'));
  const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
  const accessLines = (path: string): number =>
    readFileSync(join((nginx as RealServer).dir, 'access.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes(` ${path} `)).length;

  test('a 1 MB file read whole and streamed equals the file; contentLength is its size', async () => {
    await using session = new ClientSession();
    const whole = await session.get(ngx('/big.bin'));
    assert.equal(whole.contentLength, BIG_SIZE);
    assert.equal(whole.contentType, 'application/octet-stream');
    assert.equal(sha(await whole.bytes()), sha(big()));
    const streamed = await session.get(ngx('/big.bin'));
    const hash = createHash('sha256');
    let n = 0;
    for await (const chunk of streamed.body) {
      hash.update(chunk);
      n += chunk.byteLength;
    }
    assert.equal(n, BIG_SIZE);
    assert.equal(hash.digest('hex'), sha(big()));
  });

  test('gzip from nginx is decoded; charset from its charset directive', async () => {
    await using session = new ClientSession();
    const res = await session.get(ngx('/text.txt'));
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.equal(await res.text(), 'asyncio-ts '.repeat(2000));
    const latin = await session.get(ngx('/latin1/caf.txt'));
    assert.equal(latin.charset, 'iso-8859-1');
    assert.equal(await latin.text(), 'café');
  });

  test('Range requests: 206 with Content-Range, and a suffix range', async () => {
    await using session = new ClientSession();
    const res = await session.get(ngx('/big.bin'), {
      headers: { range: 'bytes=100-199', 'accept-encoding': 'identity' },
    });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get('content-range'), `bytes 100-199/${BIG_SIZE}`);
    assert.deepEqual(Buffer.from(await res.bytes()), big().subarray(100, 200));
    const tail = await session.get(ngx('/big.bin'), { headers: { range: 'bytes=-10' } });
    assert.deepEqual(Buffer.from(await tail.bytes()), big().subarray(BIG_SIZE - 10));
  });

  test('a 301 is followed; history has its headers', async () => {
    await using session = new ClientSession();
    const res = await session.get(ngx('/moved'));
    assert.equal(res.status, 200);
    assert.equal(res.history[0]?.status, 301);
    assert.match(res.history[0]?.headers.get('server') ?? '', /nginx/);
    res.release();
  });

  test('retries honour Retry-After (virtual clock: the wait is exactly the header)', async () => {
    const before = accessLines('/busy');
    const waited = await run(
      async () => {
        await using session = new ClientSession({
          retry: { attempts: 3, backoff: { baseMs: 1, maxMs: 10_000 } },
        });
        const t0 = now();
        const res = await session.get(ngx('/busy'));
        assert.equal(res.status, 503);
        assert.equal(res.headers.get('retry-after'), '1');
        res.release();
        return now() - t0;
      },
      { clock: new VirtualClock() },
    );
    assert.equal(waited, 2000, 'two waits of Retry-After: 1 s');
    assert.equal(accessLines('/busy') - before, 3, 'three attempts reached nginx');
  });
});
