import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ClientConnectionError, ClientSession } from 'asyncio-ts/http';
import { type MiniServer, startMiniServer } from '../helpers/auth-cookie-server.js';

let mini: MiniServer;
before(async () => {
  mini = await startMiniServer();
});
after(async () => {
  await mini.close();
});

describe('response helpers', () => {
  test('contentType, charset and contentLength read the headers', async () => {
    await using session = new ClientSession();
    const res = await session.get(`${mini.url}/charset?cs=ISO-8859-1&hex=e9`);
    assert.equal(res.contentType, 'text/plain');
    assert.equal(res.charset, 'iso-8859-1');
    assert.equal(res.contentLength, 1);
    res.release();
    const plain = await session.get(`${mini.url}/charset?hex=41`);
    assert.equal(plain.charset, null);
    plain.release();
  });

  test('text() honours the Content-Type charset; text(encoding) overrides it', async () => {
    await using session = new ClientSession();
    assert.equal(await (await session.get(`${mini.url}/charset?cs=iso-8859-1&hex=e9`)).text(), 'é');
    assert.equal(await (await session.get(`${mini.url}/charset?cs=shift_jis&hex=82a0`)).text(), 'あ');
    assert.equal(await (await session.get(`${mini.url}/charset?hex=e9`)).text('latin1'), 'é');
    assert.equal(await (await session.get(`${mini.url}/charset?cs=utf-8&hex=c3a9`)).text(), 'é');
    assert.equal(
      await (await session.get(`${mini.url}/charset?cs=no-such&hex=c3a9`)).text(),
      'é',
      'unknown: UTF-8',
    );
    const res = await session.get(`${mini.url}/charset?hex=41`);
    assert.throws(() => res.text('no-such-encoding'), RangeError);
    assert.throws(() => res.text(5 as never), TypeError);
    assert.equal(await res.text(), 'A', 'a refused call did not consume the body');
  });

  test('json(): empty body is null, non-JSON is a SyntaxError naming URL, status and type', async () => {
    await using session = new ClientSession();
    assert.equal(await (await session.get(`${mini.url}/empty`)).json(), null);
    assert.equal(await (await session.get(`${mini.url}/empty?status=204`)).json(), null);
    const err = await (await session.get(`${mini.url}/html`)).json().catch((e: unknown) => e);
    assert.ok(err instanceof SyntaxError);
    assert.match(err.message, /\/html \(200, text\/html\) is not JSON/);
    assert.ok(err.cause instanceof SyntaxError);
  });
});

describe('request body streams', () => {
  test('a body stream that throws rejects with its own error, not a connection error', async () => {
    await using session = new ClientSession();
    const boom = new Error('disk went away');
    async function* body(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('first');
      throw boom;
    }
    const err = await session.post(`${mini.url}/echo`, { body: body() }).catch((e: unknown) => e);
    assert.equal(err, boom);
    assert.ok(!(err instanceof ClientConnectionError));
    // The session still works.
    assert.equal((await session.get(`${mini.url}/echo`)).status, 200);
  });
});
