import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AsyncioError, TimeoutError } from 'asyncio-ts';
import {
  ClientConnectionError,
  ClientPayloadError,
  ClientTimeoutError,
  HttpStatusError,
  InvalidRedirectError,
  ServerDisconnectedError,
  TooManyRedirects,
} from 'asyncio-ts/http';
import { translateError } from '../../src/http/errors.js';

describe('HTTP errors', () => {
  const table: Array<[Error, string, string, Function[]]> = [
    [new ClientConnectionError('x'), 'ClientConnectionError', 'ERR_CLIENT_CONNECTION', []],
    [
      new ServerDisconnectedError(),
      'ServerDisconnectedError',
      'ERR_SERVER_DISCONNECTED',
      [ClientConnectionError],
    ],
    [
      new ClientTimeoutError('connect', 5, 'http://a/'),
      'ClientTimeoutError',
      'ERR_CLIENT_TIMEOUT',
      [TimeoutError],
    ],
    [new ClientPayloadError('x'), 'ClientPayloadError', 'ERR_CLIENT_PAYLOAD', []],
    [new TooManyRedirects(2, ['a', 'b', 'c']), 'TooManyRedirects', 'ERR_TOO_MANY_REDIRECTS', []],
    [new InvalidRedirectError('x', 'http://b/'), 'InvalidRedirectError', 'ERR_INVALID_REDIRECT', []],
    [new HttpStatusError(404, 'Not Found', 'GET', 'http://a/'), 'HttpStatusError', 'ERR_HTTP_STATUS', []],
  ];

  for (const [error, name, code, bases] of table) {
    test(`${name}: name, code, base classes`, () => {
      assert.equal(error.name, name);
      assert.equal((error as AsyncioError).code, code);
      assert.ok(error instanceof AsyncioError);
      assert.ok(error instanceof Error);
      for (const base of bases)
        assert.ok(error instanceof (base as new () => Error), `${name} instanceof ${base.name}`);
    });
  }

  test('messages carry the details', () => {
    const timeoutError = new ClientTimeoutError('sockRead', 250, 'http://a/x');
    assert.equal(timeoutError.phase, 'sockRead');
    assert.equal(timeoutError.ms, 250);
    assert.match(timeoutError.message, /Socket read timeout of 250 ms exceeded for http:\/\/a\/x/);
    assert.match(
      new HttpStatusError(503, 'Service Unavailable', 'POST', 'http://a/').message,
      /503 Service Unavailable for POST http:\/\/a\//,
    );
    assert.match(new TooManyRedirects(2, ['a', 'b', 'c']).message, /More than 2 redirects, last at c/);
    assert.ok(!(new ClientConnectionError('x') instanceof ServerDisconnectedError));
  });

  test('translateError maps undici and socket errors by code, keeping the cause', () => {
    const undiciError = (code: string, message = code): Error => Object.assign(new Error(message), { code });
    const cases: Array<[Error, 'connect' | 'headers' | 'body', (err: unknown) => boolean]> = [
      [
        undiciError(
          'UND_ERR_CONNECT_TIMEOUT',
          'Connect Timeout Error (attempted address: a:1, timeout: 250ms)',
        ),
        'connect',
        (e) => e instanceof ClientTimeoutError && e.phase === 'connect' && e.ms === 250,
      ],
      [
        undiciError('UND_ERR_SOCKET'),
        'headers',
        (e) => e instanceof ServerDisconnectedError && /before sending a response/.test(String(e)),
      ],
      [
        undiciError('UND_ERR_SOCKET'),
        'body',
        (e) => e instanceof ServerDisconnectedError && /response body/.test(String(e)),
      ],
      [undiciError('ECONNRESET'), 'body', (e) => e instanceof ServerDisconnectedError],
      [
        undiciError('ECONNREFUSED'),
        'connect',
        (e) => e instanceof ClientConnectionError && !(e instanceof ServerDisconnectedError),
      ],
      [
        undiciError('ENOTFOUND'),
        'connect',
        (e) => e instanceof ClientConnectionError && /Cannot connect/.test(String(e)),
      ],
      [undiciError('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'), 'body', (e) => e instanceof ClientPayloadError],
      [
        undiciError('UND_ERR_INVALID_ARG', 'invalid header'),
        'connect',
        (e) => e instanceof TypeError && /invalid header/.test(String(e)),
      ],
    ];
    for (const [input, phase, check] of cases) {
      const output = translateError(input, phase, 'GET', 'http://a/');
      assert.ok(check(output), `${(input as Error & { code: string }).code} in ${phase}: ${String(output)}`);
      assert.equal((output as Error).cause, input);
    }
    const ours = new ClientPayloadError('x');
    assert.equal(translateError(ours, 'body', 'GET', 'http://a/'), ours);
  });
});
