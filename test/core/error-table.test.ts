// The error table (src/core/error-table.ts) against what every subpath really exports, and against
// docs/errors.md. A new error class fails here until it is in the table, has a sample below, and is documented.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as root from 'asyncio-ts';
import * as debug from 'asyncio-ts/debug';
import * as executor from 'asyncio-ts/executor';
import * as http from 'asyncio-ts/http';
import * as redis from 'asyncio-ts/redis';
import * as streams from 'asyncio-ts/streams';
import * as subprocess from 'asyncio-ts/subprocess';
import * as testing from 'asyncio-ts/testing';
import {
  ERROR_TABLE,
  OTHER_ERROR_CODES,
  renderErrorTables,
  type Subpath,
  WARNING_CODES,
} from '../../src/core/error-table.js';

const subpaths: Record<Subpath, Record<string, unknown>> = {
  'asyncio-ts': root,
  'asyncio-ts/executor': executor,
  'asyncio-ts/http': http,
  'asyncio-ts/subprocess': subprocess,
  'asyncio-ts/streams': streams,
  'asyncio-ts/redis': redis,
  'asyncio-ts/testing': testing,
  'asyncio-ts/debug': debug,
};

// One instance of each class, made as the library makes them.
const samples: Record<string, () => Error> = {
  AsyncioError: () => new root.AsyncioError('x', 'ERR_X'),
  CancelledError: () => new root.CancelledError(),
  TimeoutError: () => new root.TimeoutError(),
  InvalidStateError: () => new root.InvalidStateError('bad state'),
  QueueEmpty: () => new root.QueueEmpty(),
  QueueFull: () => new root.QueueFull(),
  QueueShutDown: () => new root.QueueShutDown(),
  BrokenBarrierError: () => new root.BrokenBarrierError(),
  WorkerCrashedError: () => new executor.WorkerCrashedError('died', { exitCode: 3 }),
  ClientConnectionError: () => new http.ClientConnectionError('refused'),
  ServerDisconnectedError: () => new http.ServerDisconnectedError(),
  ClientTimeoutError: () => new http.ClientTimeoutError('total', 50, 'http://127.0.0.1/'),
  ClientPayloadError: () => new http.ClientPayloadError('too big'),
  TooManyRedirects: () => new http.TooManyRedirects(2, ['http://127.0.0.1/a']),
  InvalidRedirectError: () => new http.InvalidRedirectError('no', 'http://127.0.0.1/'),
  HttpStatusError: () => new http.HttpStatusError(404, 'Not Found', 'GET', 'http://127.0.0.1/'),
  CalledProcessError: () => new subprocess.CalledProcessError(3, ['sh'], null, null),
  SpawnError: () => new subprocess.SpawnError('nope', Object.assign(new Error('x'), { code: 'ENOENT' })),
  IncompleteReadError: () => new streams.IncompleteReadError(Buffer.from('ab'), 4),
  LimitOverrunError: () => new streams.LimitOverrunError('over', 5),
  StreamConnectionError: () => new streams.StreamConnectionError('refused', { errno: 'ECONNREFUSED' }),
  ConnectionResetError: () => new streams.ConnectionResetError('reset', { errno: 'ECONNRESET' }),
  RedisConnectionError: () => new redis.RedisConnectionError('down'),
  RedisCommandError: () => new redis.RedisCommandError('OOM'),
  LeakError: () => new testing.LeakError({ Timeout: 1 }),
};

type Ctor = abstract new (...args: never[]) => Error;

function isErrorClass(value: unknown): value is Ctor {
  return typeof value === 'function' && value.prototype instanceof Error;
}

const byName = new Map(ERROR_TABLE.map((e) => [e.name, e]));

test('every error class exported by any subpath is in the table, under that subpath', () => {
  for (const [subpath, mod] of Object.entries(subpaths)) {
    for (const [name, value] of Object.entries(mod)) {
      if (!isErrorClass(value)) continue;
      const entry = byName.get(name);
      // The root's classes are re-exported by nobody else; an integration re-exporting one is listed once.
      assert.ok(entry !== undefined, `${subpath} exports ${name}, which is not in ERROR_TABLE`);
      if (entry.subpath !== subpath)
        assert.equal(value, subpaths[entry.subpath][name], `${name} in ${subpath}`);
    }
  }
});

test('names and codes are unique', () => {
  assert.equal(byName.size, ERROR_TABLE.length);
  const codes = [
    ...ERROR_TABLE.flatMap((e) => (e.code === null ? [] : [e.code])),
    ...OTHER_ERROR_CODES.map((e) => e.code),
    ...WARNING_CODES.map((e) => e.code),
  ];
  assert.deepEqual(
    codes.filter((c, i) => codes.indexOf(c) !== i),
    [],
  );
  for (const code of codes) assert.match(code, /^(ERR|ASYNCIO_TS)_[A-Z0-9_]+$/);
});

for (const entry of ERROR_TABLE) {
  test(`${entry.name} (${entry.subpath}): name, code, base, cross-copy brand`, () => {
    const ctor = subpaths[entry.subpath][entry.name];
    assert.ok(isErrorClass(ctor), `${entry.subpath} does not export ${entry.name}`);
    assert.equal(ctor.name, entry.name);
    const make = samples[entry.name];
    assert.ok(make !== undefined, `no sample for ${entry.name} in this test`);
    const err = make();
    assert.equal(err.name, entry.name);
    assert.ok(err instanceof ctor);
    assert.ok(err instanceof root.AsyncioError);
    if (entry.code !== null) assert.equal((err as root.AsyncioError).code, entry.code);
    const base =
      entry.base === 'Error'
        ? Error
        : byName.has(entry.base)
          ? subpaths[byName.get(entry.base)!.subpath][entry.base]
          : undefined;
    assert.ok(isErrorClass(base) || base === Error, `base ${entry.base} of ${entry.name}`);
    assert.equal(Object.getPrototypeOf(ctor), base, `${entry.name} extends ${entry.base}`);
    // Registered for cross-copy instanceof: the brand is Symbol.for('asyncio-ts.<Name>').
    assert.equal((ctor as unknown as { brand: symbol }).brand, Symbol.for(`asyncio-ts.${entry.name}`));
  });
}

test('docs/errors.md holds the tables rendered from ERROR_TABLE', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const match = /<!-- errors-table:start -->\n([\s\S]*?)\n<!-- errors-table:end -->/.exec(doc);
  assert.ok(match !== null, 'docs/errors.md has no errors-table markers');
  assert.equal(
    match[1],
    renderErrorTables(),
    'docs/errors.md is stale: run `node --import tsx scripts/errors-doc.ts --write`',
  );
});

test('every code the source sets is in the table', () => {
  // A code written as a string literal anywhere in src/ must be listed (Node's and undici's own codes,
  // which the source only reads, are excluded by their prefixes).
  const known = new Set([
    ...ERROR_TABLE.flatMap((e) => (e.code === null ? [] : [e.code])),
    ...OTHER_ERROR_CODES.map((e) => e.code),
    ...WARNING_CODES.map((e) => e.code),
  ]);
  const src = new URL('../../src/', import.meta.url);
  const files = (readdirSync(src, { recursive: true }) as string[]).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('error-table.ts'),
  );
  assert.ok(files.length > 50);
  let seen = 0;
  for (const file of files) {
    const text = readFileSync(new URL(`../../src/${file}`, import.meta.url), 'utf8');
    for (const [, code] of text.matchAll(
      /(?:super\([^;]*?|\bcode(?::| =) )'((?:ERR|ASYNCIO_TS)_[A-Z0-9_]+)'/g,
    )) {
      seen++;
      assert.ok(known.has(code as string), `${file} sets ${code}, which is not in the error table`);
    }
  }
  assert.ok(seen >= 30, `only ${seen} codes found in src/: is the pattern still right?`);
});
