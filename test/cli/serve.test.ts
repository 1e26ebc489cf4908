import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

test('serve prints its URL, answers like httpbin, and stops on SIGINT with status 130', async () => {
  let child: ChildProcess | undefined;
  let firstLine: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => {
    firstLine = resolve;
  });
  const exited = runCli(['serve', '--port', '0'], {
    onSpawn: (c) => {
      child = c;
      let buffer = '';
      c.stdout!.on('data', (chunk: string) => {
        buffer += chunk;
        const newline = buffer.indexOf('\n');
        if (newline >= 0) firstLine(buffer.slice(0, newline));
      });
    },
  });
  const base = await url;
  assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
  const json = await fetch(`${base}/json`);
  assert.equal(json.status, 200);
  assert.ok((await json.json()) !== null);
  const missing = await fetch(`${base}/status/404`);
  assert.equal(missing.status, 404);
  await missing.arrayBuffer();
  child!.kill('SIGINT');
  const result = await exited;
  assert.equal(result.code, 130, result.stderr);
  assert.match(result.stdout, /stopped by SIGINT after 2 requests\n$/);
});

test('serve stops on SIGTERM with status 143', async () => {
  const result = await runCli(['serve', '--port', '0'], {
    onSpawn: (child) => {
      child.stdout!.once('data', () => child.kill('SIGTERM'));
    },
  });
  assert.equal(result.code, 143, result.stderr);
  assert.equal(result.stderr, '');
  assert.match(result.stdout, /stopped by SIGTERM after 0 requests\n$/);
});

test('serve: a bad port is a usage error; a port in use is one clear line', async () => {
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const port = (blocker.address() as { port: number }).port;
  try {
    const [tooBig, notNumber, inUse] = await Promise.all([
      runCli(['serve', '--port', '70000']),
      runCli(['serve', '-p', 'http']),
      runCli(['serve', '--port', String(port)]),
    ]);
    assert.equal(tooBig.code, 2);
    assert.match(tooBig.stderr, /^asyncio-ts serve: --port must be <= 65535/);
    assert.equal(notNumber.code, 2);
    assert.match(notNumber.stderr, /^asyncio-ts serve: --port must be an integer >= 0, received 'http'/);
    assert.equal(inUse.code, 1);
    assert.equal(inUse.stderr, `asyncio-ts serve: port ${port} is in use (try --port 0 for a free one)\n`);
  } finally {
    blocker.close();
  }
});
