/**
 * What each entry point loads: the core loads neither undici nor tough-cookie; `asyncio-ts/http` loads
 * tough-cookie only once a response sets a cookie. Checked in a fresh process (CommonJS modules loaded
 * through `createRequire` are listed in `require.cache`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { ROOT } from '../helpers/cli.js';

function loadedAfter(script: string): string[] {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 60_000,
  });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as string[];
}

const REPORT = `
import { createRequire } from 'node:module';
const cache = Object.keys(createRequire(import.meta.url).cache);
const pick = (name) => cache.some((p) => p.includes('/node_modules/' + name + '/'));
console.log(JSON.stringify(['undici', 'tough-cookie', 'piscina'].filter(pick)));
`;

test('the core loads neither undici, tough-cookie nor piscina', () => {
  assert.deepEqual(loadedAfter(`await import('./src/index.ts');${REPORT}`), []);
});

test('asyncio-ts/http loads tough-cookie only when a response sets a cookie', () => {
  const script = `
    import { createServer } from 'node:http';
    const { ClientSession } = await import('./src/http/index.ts');
    const server = createServer((req, res) => {
      res.writeHead(200, req.url === '/set' ? { 'set-cookie': 'a=1' } : {});
      res.end('ok');
    }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = 'http://127.0.0.1:' + server.address().port;
    const session = new ClientSession();
    await (await session.get(base + '/plain')).text();
    const before = Object.keys((await import('node:module')).createRequire(import.meta.url).cache)
      .some((p) => p.includes('/node_modules/tough-cookie/'));
    await (await session.get(base + '/set')).text();
    await session.close();
    server.close();
    if (before) throw new Error('tough-cookie was loaded before any cookie arrived');
    ${REPORT}`;
  assert.deepEqual(loadedAfter(script), ['undici', 'tough-cookie']);
});
