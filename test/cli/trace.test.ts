import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'asyncio-ts-trace-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('trace runs a script with tracing on, writes the trace and draws its timeline', async () => {
  const tracePath = join(dir, 'trace.json');
  const svgPath = join(dir, 'timeline.svg');
  const result = await runCli([
    'trace',
    'test/cli/fixtures/traced-script.ts',
    '-o',
    tracePath,
    '--svg',
    svgPath,
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^traced script done$/m);
  assert.match(result.stdout, new RegExp(`Trace written to ${tracePath}`));
  for (const name of ['main', 'worker-short', 'worker-middle', 'worker-long']) {
    assert.match(result.stdout, new RegExp(`^${name} +[█░]`, 'm'), `a row for ${name}`);
  }
  const events = JSON.parse(readFileSync(tracePath, 'utf8')) as Array<{ cat?: string; name: string }>;
  const tasks = events.filter((e) => e.cat === 'task').map((e) => e.name);
  assert.deepEqual(tasks.sort(), ['main', 'worker-long', 'worker-middle', 'worker-short']);
  const svg = readFileSync(svgPath, 'utf8');
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /worker-long/);

  // timeline draws the saved trace the same way.
  const drawn = await runCli(['timeline', tracePath, '--width', '80']);
  assert.equal(drawn.code, 0, drawn.stderr);
  for (const name of ['worker-short', 'worker-middle', 'worker-long']) {
    assert.match(drawn.stdout, new RegExp(`^${name} +[█░]`, 'm'));
  }
  assert.ok(
    drawn.stdout.split('\n').every((line) => line.length <= 80),
    'fits in --width',
  );
});

test('trace and timeline fail with one line when there is nothing to draw', async () => {
  const [plain, missing, notTrace, noScript, badWidth] = await Promise.all([
    runCli(['trace', 'test/cli/fixtures/plain-script.mjs', '-o', join(dir, 'none.json')]),
    runCli(['timeline', join(dir, 'missing.json')]),
    runCli(['timeline', 'package.json']),
    runCli(['trace', 'no-such-script.ts']),
    runCli(['timeline', join(dir, 'x.json'), '--width', '10']),
  ]);
  assert.equal(plain.code, 1);
  assert.match(
    plain.stderr,
    /^asyncio-ts trace: .*plain-script\.mjs wrote no trace \(exit code 0\): does it run its code with run\(\)/,
  );
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^asyncio-ts timeline: no such file: .*missing\.json\n$/);
  assert.equal(notTrace.code, 1);
  assert.match(notTrace.stderr, /^asyncio-ts timeline: package\.json is not a trace: /);
  assert.equal(noScript.code, 1);
  assert.match(noScript.stderr, /^asyncio-ts trace: no such file: no-such-script\.ts\n$/);
  assert.equal(badWidth.code, 2);
  assert.match(badWidth.stderr, /^asyncio-ts timeline: --width must be an integer >= 40, received '10'/);
  for (const r of [plain, missing, notTrace, noScript, badWidth])
    assert.equal(r.stderr.split('\n').length, 2);
});

test('trace passes a SIGTERM on to the script, still draws what ran, and exits 143', async () => {
  const tracePath = join(dir, 'signalled.json');
  const result = await runCli(['trace', 'test/cli/fixtures/waits-for-signal.ts', '-o', tracePath], {
    onSpawn: (child) => {
      let seen = '';
      child.stdout!.on('data', (chunk: string) => {
        seen += chunk;
        if (seen.includes('ready\n')) {
          seen = '';
          child.kill('SIGTERM'); // to the trace process alone, as `kill <pid>` does
        }
      });
    },
  });
  assert.equal(result.code, 143, result.stderr);
  assert.match(result.stdout, /^clean-up ran$/m);
  assert.match(result.stdout, /^main +[█░]/m, 'the timeline of what ran');
  assert.match(result.stderr, /^asyncio-ts: cancelled by SIGTERM$/m);
});
