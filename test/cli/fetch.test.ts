import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from 'asyncio-ts/testing';
import { safeFileName } from '../../src/cli/fetch.js';
import { CLI, ROOT, runCli } from '../helpers/cli.js';

// real time: the CLI runs as a real process against a real server (`/delay` routes, `--timeout 3s`).

let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'asyncio-ts-fetch-'));
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Lines of a fetch run's stdout by URL (the URL is the 4th column). */
function lineFor(stdout: string, path: string): string {
  const line = stdout.split('\n').find((l) => l.includes(`${server.url}${path}`));
  assert.ok(line !== undefined, `no line for ${path} in:\n${stdout}`);
  return line;
}

test('fetch: successes, a 503 retried, a timeout and a 404; -o writes the files; exit code 1', async () => {
  const out = join(dir, 'out');
  const result = await runCli([
    'fetch',
    `${server.url}/bytes/5000`,
    `${server.url}/json`,
    `${server.url}/flaky/retried?fails=1&status=503`,
    `${server.url}/delay/20`,
    `${server.url}/status/404`,
    // Wide enough for a loaded machine to answer the quick routes; /delay/20 still times out both attempts.
    '--timeout',
    '3s',
    '--retries',
    '1',
    '-o',
    out,
  ]);
  assert.equal(result.code, 1, result.stderr);
  assert.match(lineFor(result.stdout, '/bytes/5000'), /^200 +5\.00 kB .*→ .*out\/5000$/);
  assert.match(lineFor(result.stdout, '/json'), /^200 .*→ .*out\/json$/);
  // The first try of this key answers 503, the retry 200; the same route with --retries 0 (below) shows
  // the 503 is real.
  assert.match(lineFor(result.stdout, '/flaky/retried?fails=1&status=503'), /^200 /);
  assert.match(lineFor(result.stdout, '/delay/20'), /^ERR .*\(timed out \(3\.00 s per attempt\)\)$/);
  assert.match(lineFor(result.stdout, '/status/404'), /^404 .*\(HTTP 404 Not Found\)$/);
  assert.match(result.stdout, /^3 fetched, 2 failed, [\d.]+ kB in /m);
  assert.deepEqual(readdirSync(out).sort(), ['5000', 'json', 'retried_fails_1_status_503']);
  assert.equal(readFileSync(join(out, '5000')).length, 5000);
  assert.doesNotThrow(() => JSON.parse(readFileSync(join(out, 'json'), 'utf8')));

  const once = await runCli(['fetch', `${server.url}/flaky/no-retry?fails=1&status=503`, '--retries', '0']);
  assert.equal(once.code, 1);
  assert.match(lineFor(once.stdout, '/flaky/no-retry?fails=1&status=503'), /^503 .*\(HTTP 503 /);
  await server.waitForIdle();
});

test('fetch --json: one JSON object per line; the summary on stderr', async () => {
  const list = join(dir, 'urls.txt');
  writeFileSync(
    list,
    `# a list\n${server.url}/json\n\n${server.url}/status/500   # fails\n${server.url}/bytes/10\n`,
  );
  const result = await runCli(['fetch', '-i', list, '--json', '--retries', '0', '-c', '2']);
  assert.equal(result.code, 1, result.stderr);
  const lines = result.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const byUrl = new Map(records.map((r) => [r.url, r]));
  assert.deepEqual(
    [...byUrl.keys()].sort(),
    [`${server.url}/bytes/10`, `${server.url}/json`, `${server.url}/status/500`].sort(),
  );
  assert.equal(byUrl.get(`${server.url}/bytes/10`)?.bytes, 10);
  assert.equal(byUrl.get(`${server.url}/bytes/10`)?.ok, true);
  assert.equal(byUrl.get(`${server.url}/status/500`)?.ok, false);
  assert.equal(byUrl.get(`${server.url}/status/500`)?.status, 500);
  for (const r of records) assert.equal(typeof r.ms, 'number');
  assert.match(result.stderr, /^2 fetched, 1 failed, /);
});

test('fetch saves under safe names, inside -o, whatever the URL says', async () => {
  assert.equal(safeFileName(new URL('http://h/a/..%2F..%2Fetc%2Fpasswd')), 'etc_passwd');
  assert.equal(safeFileName(new URL('http://h/')), 'index.html');
  assert.equal(safeFileName(new URL('http://h/..%2F..')), 'index.html');
  assert.equal(safeFileName(new URL('http://h/.bashrc')), 'bashrc');
  assert.equal(safeFileName(new URL('http://h/r%C3%A9sum%C3%A9 final.pdf?x=1')), 'r_sum_final_x_1.pdf');
  assert.equal(safeFileName(new URL('http://h/get?a=1&b=%2F..')), 'get_a_1_b_..');
  assert.equal(safeFileName(new URL('http://h/?q=..%2F..%2Fetc')), 'q_.._.._etc');
  const out = join(dir, 'safe');
  const result = await runCli([
    'fetch',
    `${server.url}/anything/..%2F..%2Fescaped`,
    `${server.url}/anything/%2Fetc%2Fpasswd`,
    `${server.url}/anything/same`,
    `${server.url}/anything/x/same`,
    '-o',
    out,
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['escaped', 'etc_passwd', 'same', 'same-1']);
  assert.ok(!existsSync(join(dir, 'escaped')));
});

test('SIGINT during fetch: exits promptly with a partial summary and leaves no partial file', async () => {
  const out = join(dir, 'interrupted');
  let sent = 0;
  const result = await runCli(
    ['fetch', `${server.url}/bytes/100`, `${server.url}/drip?numbytes=100000&duration=20`, '-o', out],
    {
      onSpawn: (child) => {
        // Wait until the slow download has written its partial file, then interrupt.
        const poll = setInterval(() => {
          const files = existsSync(out) ? readdirSync(out) : [];
          if (files.some((f) => f.startsWith('drip_') && f.endsWith('.part')) && files.includes('100')) {
            clearInterval(poll);
            sent = performance.now();
            child.kill('SIGINT');
          }
        }, 20);
        child.on('exit', () => clearInterval(poll));
      },
    },
  );
  const tookMs = performance.now() - sent;
  assert.ok(sent > 0, 'the partial file appeared');
  assert.equal(result.code, 130, result.stderr);
  assert.match(result.stdout, /^interrupted: 1 fetched, 0 failed, 1 not finished, /m);
  assert.deepEqual(readdirSync(out), ['100']);
  // The drip would take 20 s more; a prompt exit is well under 10 s even on a loaded machine.
  assert.ok(tookMs < 10_000, `exit took ${tookMs.toFixed(0)} ms`);
  await server.waitForConnections();
});

/** Runs fetch under a pseudo-terminal (`script`), or through a pipe, and returns the raw output. */
function rawOutput(args: string[], pty: boolean): Promise<string> {
  const command = [process.execPath, '--import', 'tsx', CLI, ...args].map((a) => `'${a}'`).join(' ');
  const child = pty
    ? spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } })
    : spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1' },
      });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  return new Promise((resolve) => child.on('close', () => resolve(output)));
}

test('the live progress line is drawn on a terminal and absent through a pipe', async () => {
  const args = ['fetch', `${server.url}/delay/0.5`, `${server.url}/bytes/1000`];
  const [tty, piped] = await Promise.all([rawOutput(args, true), rawOutput(args, false)]);
  const ESC = '\u001b';
  assert.ok(tty.includes(`\r${ESC}[K`), 'the status line is redrawn in place');
  assert.match(tty, /. 0\/2 done · 0 failed · \d in flight · /);
  assert.match(tty, /1\/2 done · 0 failed · 1 in flight · 1\.00 kB/);
  assert.match(tty, /2 fetched, 0 failed/);
  assert.ok(!piped.includes('\r') && !piped.includes(ESC), 'no terminal control through a pipe');
  assert.doesNotMatch(piped, /in flight/);
  assert.match(piped, /^200 .*\/bytes\/1000$/m);
  assert.match(piped, /^2 fetched, 0 failed/m);
});

test('fetch: bad command lines exit 2 with one line', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['fetch'], /no URLs: give them as arguments or with -i FILE/],
    [['fetch', 'ftp://example.com/x'], /not an http\(s\) URL: 'ftp:\/\/example\.com\/x'/],
    [['fetch', 'not a url'], /not a URL: 'not a url'/],
    [['fetch', '-c', '0', 'http://127.0.0.1/'], /--concurrency must be an integer >= 1, received '0'/],
    [['fetch', '--rate', 'fast', 'http://127.0.0.1/'], /--rate must be a rate such as 10\/s/],
    [['fetch', '--timeout', 'soon', 'http://127.0.0.1/'], /--timeout must be a duration such as 10s/],
    [['fetch', '--retries=-1', 'http://127.0.0.1/'], /--retries must be an integer >= 0, received '-1'/],
    [
      ['fetch', '--retries', '-1', 'http://127.0.0.1/'],
      /option '--retries' needs a value \(write --retries=-…/,
    ],
    [['fetch', '-i', join(dir, 'no-such-list.txt')], /cannot read --input/],
    [['fetch', '--output'], /option '--output' needs a value/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(args)));
  results.forEach((result, i) => {
    const [args, pattern] = cases[i]!;
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr.split('\n').length, 2, result.stderr);
    assert.match(result.stderr, /^asyncio-ts fetch: /);
    assert.match(result.stderr, pattern);
  });
});

test('file names come from the final URL (query included); a re-run never overwrites', async () => {
  const out = join(dir, 'final-names');
  const urls = [
    `${server.url}/redirect-to?url=${encodeURIComponent('/bytes/10')}`,
    `${server.url}/redirect/1`,
    `${server.url}/delay/0`,
    `${server.url}/anything/page?id=7`,
  ];
  const first = await runCli(['fetch', ...urls, '-o', out]);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['0', '10', 'get', 'page_id_7']);
  const again = await runCli(['fetch', urls[3] as string, '-o', out]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['0', '10', 'get', 'page_id_7', 'page_id_7-1']);
});

test('fetch --json carries the final URL and the attempt count', async () => {
  const result = await runCli([
    'fetch',
    '--json',
    '--retries',
    '2',
    `${server.url}/redirect/2`,
    `${server.url}/flaky/json-attempts?fails=1&status=503`,
  ]);
  assert.equal(result.code, 0, result.stderr);
  const records = result.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const redirected = records.find((r) => String(r.url).endsWith('/redirect/2'));
  assert.equal(redirected?.finalUrl, `${server.url}/get`);
  assert.equal(redirected?.attempts, 1);
  const flaky = records.find((r) => String(r.url).includes('json-attempts'));
  assert.equal(flaky?.attempts, 2);
  assert.equal(flaky?.status, 200);
});

test('URLs waiting for their host hold no -c slot: another host is not held up', async () => {
  const other = await startTestServer();
  try {
    const slow = [1, 2, 3].map((i) => `${server.url}/delay/3?n=${i}`);
    const fast = [1, 2, 3].map((i) => `${other.url}/get?n=${i}`);
    const result = await runCli(['fetch', '--json', '-c', '2', '--per-host', '1', ...slow, ...fast]);
    assert.equal(result.code, 0, result.stderr);
    const order = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => String((JSON.parse(line) as { url: string }).url));
    assert.equal(order.length, 6);
    // With a global slot held by a URL queued for its host, the fast ones would wait for a slow one.
    const lastFast = Math.max(...fast.map((u) => order.indexOf(u)));
    const firstSlow = Math.min(...slow.map((u) => order.indexOf(u)));
    assert.ok(lastFast < firstSlow, order.join('\n'));
  } finally {
    await other.close();
  }
});

test('SIGTERM during fetch exits 143 after clean-up', async () => {
  const out = join(dir, 'terminated');
  const result = await runCli(['fetch', `${server.url}/drip?numbytes=100000&duration=20`, '-o', out], {
    onSpawn: (child) => {
      const poll = setInterval(() => {
        const files = existsSync(out) ? readdirSync(out) : [];
        if (files.some((f) => f.endsWith('.part'))) {
          clearInterval(poll);
          child.kill('SIGTERM');
        }
      }, 20);
      child.on('exit', () => clearInterval(poll));
    },
  });
  assert.equal(result.code, 143, result.stderr);
  assert.match(result.stdout, /^interrupted: 0 fetched, 0 failed, 1 not finished, /m);
  assert.deepEqual(readdirSync(out), []);
  await server.waitForConnections();
});
