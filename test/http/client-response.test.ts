import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidStateError } from 'asyncio-ts';
import {
  ClientConnectionError,
  ClientPayloadError,
  ClientSession,
  HttpStatusError,
  ServerDisconnectedError,
} from 'asyncio-ts/http';
import { useTestServer, within } from '../helpers/http.js';

function expectedBytes(n: number): Buffer {
  const body = Buffer.alloc(n);
  for (let i = 0; i < n; i++) body[i] = (i * 31 + 7) & 0xff;
  return body;
}

describe('ClientResponse', () => {
  const ctx = useTestServer();

  test('text(), json(), bytes(), arrayBuffer(); a body read twice gives the same', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    const res = await session.get('/json');
    const text = await res.text();
    assert.equal(await res.text(), text);
    assert.deepEqual(await res.json(), JSON.parse(text));
    assert.equal(Buffer.from(await res.bytes()).toString(), text);
    assert.equal(Buffer.from(await res.arrayBuffer()).toString(), text);
    const bytes = await (await session.get('/bytes/100000')).bytes();
    assert.deepEqual(Buffer.from(bytes), expectedBytes(100_000));
  });

  test('a body read whole is exact below and above the size copied into one buffer as it arrives (8 MiB)', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    for (const n of [3000, 3_000_000, 9_000_000]) {
      const res = await session.get(`/bytes/${n}`);
      const bytes = await res.bytes();
      assert.equal(bytes.byteLength, n);
      assert.ok(Buffer.from(bytes).equals(expectedBytes(n)), `${n} bytes`);
      const buffer = await res.arrayBuffer();
      assert.equal(buffer.byteLength, n);
      assert.ok(Buffer.from(buffer).equals(expectedBytes(n)));
    }
  });

  test('body streams decoded chunks; the whole equals the bytes sent', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    const res = await session.get('/bytes/1000000');
    const chunks: Uint8Array[] = [];
    for await (const chunk of res.body) chunks.push(chunk);
    assert.ok(chunks.length > 1);
    assert.deepEqual(Buffer.concat(chunks), expectedBytes(1_000_000));
    const lines: string[] = [];
    for await (const chunk of await session.get('/stream/20')) lines.push(Buffer.from(chunk).toString());
    assert.equal(lines.join('').trim().split('\n').length, 20);
  });

  test('leaving a body loop early releases the response', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url });
    const res = await session.get('/bytes/2000000');
    for await (const _ of res.body) break;
    await assert.rejects(res.text(), InvalidStateError);
    await within(server.waitForConnections(0), 5000, 'connection closed');
  });

  test('a body cannot be streamed and read whole at once', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    const streamed = await session.get('/bytes/200000');
    const iterator = streamed.body[Symbol.asyncIterator]();
    await iterator.next();
    await assert.rejects(
      streamed.text(),
      (err: unknown) => err instanceof InvalidStateError && /stream/.test(String(err)),
    );
    streamed.release();
    const whole = await session.get('/json');
    await whole.text();
    await assert.rejects(whole.body[Symbol.asyncIterator]().next(), InvalidStateError);
    const twice = await session.get('/drip?numbytes=2&duration=0.1');
    const first = twice.text();
    await assert.rejects(twice.text(), { code: 'ERR_INVALID_STATE', message: /already being read/ });
    assert.equal(await first, '**');
  });

  test('gzip, deflate and br bodies are decoded', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    assert.equal(((await (await session.get('/gzip')).json()) as { gzipped: boolean }).gzipped, true);
    assert.equal(((await (await session.get('/deflate')).json()) as { deflated: boolean }).deflated, true);
    assert.equal(((await (await session.get('/brotli')).json()) as { brotli: boolean }).brotli, true);
    const chunks: Uint8Array[] = [];
    for await (const chunk of await session.get('/gzip')) chunks.push(chunk);
    assert.equal((JSON.parse(Buffer.concat(chunks).toString()) as { gzipped: boolean }).gzipped, true);
  });

  test('maxResponseBytes: a declared length over the limit fails at once; a streamed one when it passes', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    const declared = await session.get('/bytes/5000', { maxResponseBytes: 1000 });
    assert.equal(declared.status, 200);
    await assert.rejects(
      declared.text(),
      (err: unknown) => err instanceof ClientPayloadError && err.code === 'ERR_CLIENT_PAYLOAD',
    );
    const chunked = await session.get('/stream/100', { maxResponseBytes: 500 });
    await assert.rejects(chunked.text(), ClientPayloadError);
    const exact = await session.get('/bytes/1000', { maxResponseBytes: 1000 });
    assert.equal((await exact.bytes()).length, 1000);
    await using limited = new ClientSession({ baseUrl: ctx.server.url, maxResponseBytes: 10 });
    await assert.rejects((await limited.get('/json')).text(), ClientPayloadError);
    assert.ok((await (await limited.get('/json', { maxResponseBytes: null })).text()).length > 10);
  });

  test('maxResponseBytes counts decoded bytes: a gzip bomb stops after one chunk', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    // 200 MB of zeros, about 200 KB on the wire: decoding it all would take seconds and the memory.
    const bomb = await session.get('/gzip-bomb/200000000', { maxResponseBytes: 1_000_000 });
    await assert.rejects(
      bomb.bytes(),
      (err: unknown) => err instanceof ClientPayloadError && /decoded/.test(String(err)),
    );
    // Within the limit, the same encoding decodes fine.
    const small = await session.get('/gzip-bomb/500000', { maxResponseBytes: 1_000_000 });
    assert.equal((await small.bytes()).length, 500_000);
  });

  test('a connection dropped in the body: ServerDisconnectedError (a ClientConnectionError)', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    const res = await session.get('/close');
    assert.equal(res.status, 200);
    await assert.rejects(
      res.text(),
      (err: unknown) =>
        err instanceof ServerDisconnectedError &&
        err instanceof ClientConnectionError &&
        err.code === 'ERR_SERVER_DISCONNECTED',
    );
  });

  test('a connection dropped before the headers: ServerDisconnectedError from the request', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    await assert.rejects(session.get('/close?when=headers'), ServerDisconnectedError);
  });

  test('connection refused: ClientConnectionError with the cause', async () => {
    await using session = new ClientSession();
    await assert.rejects(
      session.get('http://127.0.0.1:1/'),
      (err: unknown) =>
        err instanceof ClientConnectionError &&
        !(err instanceof ServerDisconnectedError) &&
        err.code === 'ERR_CLIENT_CONNECTION' &&
        (err.cause as NodeJS.ErrnoException).code === 'ECONNREFUSED',
    );
  });

  test('raiseForStatus() releases the response and throws HttpStatusError', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    const res = await session.get('/status/418');
    assert.throws(
      () => res.raiseForStatus(),
      (err: unknown) => err instanceof HttpStatusError && err.status === 418,
    );
  });

  test('HEAD has headers and no body; 204 has an empty body', async () => {
    await using session = new ClientSession({ baseUrl: ctx.server.url });
    const head = await session.head('/bytes/1000');
    assert.equal(head.headers.get('content-length'), '1000');
    assert.equal((await head.bytes()).length, 0);
    assert.equal(await (await session.get('/status/204')).text(), '');
  });
});
