/**
 * The benchmark harness (bench/run.mjs), run on small throwaway workloads in a temporary folder: tables and
 * ratios, failures reported (not dropped), round-robin alternation, rounds capped per implementation,
 * metrics and targets, results file, and the docs tables regenerated between markers with the prose intact.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

const harness = join(import.meta.dirname, '..', '..', 'bench', 'run.mjs');
const machineMajor = process.versions.node.split('.')[0]!;

interface RunRecord {
  impl: string;
  round: number;
  ok: boolean;
  value?: number;
  error?: string;
}

interface Results {
  rounds: number;
  workloads: Array<{ id: string; runs: RunRecord[] }>;
}

/** A script that prints the harness's result line. */
function reporting(value: number, ok: boolean, extra = ''): string {
  return `${extra}\nconsole.log(JSON.stringify({ value: ${value}, ok: ${ok}, info: { bytes: ${value * 100} } }));\n`;
}

function runHarness(args: string[]): { status: number | null; stdout: string; stderr: string } {
  // The Node running the tests only: CI runs this file on every Node line, and nothing else need be installed.
  const result = spawnSync(process.execPath, [harness, '--node', 'machine', '--no-python', ...args], {
    encoding: 'utf8',
    // Generous: each run is a fresh node process (about 50 ms), plus one 1 s timeout per round.
    timeout: 60_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bench/run.mjs', () => {
  let root: string;
  let workloads: string;
  let results: string;
  let docs: string;
  let first: { status: number | null; stdout: string; stderr: string };

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'asyncio-ts-bench-test-'));
    workloads = join(root, 'workloads');
    results = join(root, 'results');
    docs = join(root, 'benchmarks.md');
    const dir = join(workloads, 'w1-demo');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'workload.json'),
      JSON.stringify({
        title: 'a demo workload',
        unit: 'ms',
        floor: 'floor',
        notes: 'Demo notes.',
        timeoutSec: 1,
        maxRounds: { capped: 1 },
        metrics: [{ key: 'bytes', title: 'bytes per thing', unit: 'B' }],
        targets: [
          { impl: 'fast', node: Number(machineMajor), maxRatio: 0.6, aimRatio: 0.4 },
          { impl: 'capped', node: Number(machineMajor), max: 1 },
        ],
      }),
    );
    writeFileSync(join(dir, '_helper.mjs'), 'export const helper = 1;\n');
    writeFileSync(join(dir, 'floor.mjs'), reporting(10, true, "import { helper } from './_helper.mjs';"));
    writeFileSync(join(dir, 'fast.mjs'), reporting(5, true));
    writeFileSync(join(dir, 'capped.mjs'), reporting(20, true));
    writeFileSync(join(dir, 'notok.mjs'), `${reporting(1, false)}process.exitCode = 1;\n`);
    writeFileSync(join(dir, 'crash.mjs'), "throw new Error('boom');\n");
    writeFileSync(join(dir, 'nojson.mjs'), "console.log('hello');\n");
    writeFileSync(join(dir, 'hang.mjs'), 'setInterval(() => {}, 1000);\n');
    writeFileSync(
      docs,
      '# Benchmarks\n\nProse before.\n\n<!-- bench:start -->\n<!-- bench:workload w0-other -->\nOther table.\n<!-- bench:workload-end -->\n<!-- bench:end -->\n\nProse after.\n',
    );
    first = runHarness([
      '--workloads',
      workloads,
      '--results',
      results,
      '--docs',
      docs,
      '--rounds',
      '2',
      '--write-docs',
    ]);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  test('draws a table with medians and ratios to the floor', () => {
    assert.match(first.stdout, /### w1-demo: a demo workload/);
    assert.match(first.stdout, /\| \*\*floor\*\* \(floor\) \| 10\.0 \(10\.0–10\.0\) \| 1\.00× \|/);
    assert.match(first.stdout, /\| fast \| 5\.00 \(5\.00–5\.00\) \| 0\.50× \|/);
    // The helper file is not an implementation.
    assert.doesNotMatch(first.stdout, /_helper/);
  });

  test('reports every kind of failed run instead of dropping it, and exits non-zero', () => {
    assert.equal(first.status, 1);
    for (const impl of ['notok', 'crash', 'nojson', 'hang']) {
      assert.match(first.stdout, new RegExp(`\\| ${impl} \\| FAILED ⚠ 2/2 failed \\|`));
    }
    assert.match(first.stdout, /- crash on Node [\d.]+: 2\/2 failed: exited with 1: Error: boom/);
    assert.match(first.stdout, /- hang on Node [\d.]+: 2\/2 failed: timed out after 1 s/);
    assert.match(first.stdout, /- nojson on Node [\d.]+: 2\/2 failed: last stdout line is not JSON: hello/);
    assert.match(first.stdout, /- notok on Node [\d.]+: 2\/2 failed: exited with 1/);
  });

  test('writes every run to a results file; alternates the order between rounds; caps rounds', () => {
    const files = readdirSync(results);
    assert.equal(files.length, 1);
    const saved = JSON.parse(readFileSync(join(results, files[0]!), 'utf8')) as Results;
    const runs = saved.workloads[0]!.runs;
    // 6 implementations in 2 rounds, plus the capped one once.
    assert.equal(runs.length, 6 * 2 + 1);
    assert.equal(runs.filter((r) => r.impl === 'capped').length, 1);
    const order = (round: number) =>
      runs.filter((r) => r.round === round && r.impl !== 'capped').map((r) => r.impl);
    assert.notEqual(order(1)[0], order(2)[0]);
    assert.deepEqual([...order(1)].sort(), [...order(2)].sort());
    assert.match(first.stdout, /\| capped \| 20\.0 \(20\.0–20\.0\), 1 round \| 2\.00× \|/);
  });

  test('draws a table per extra metric and checks the targets', () => {
    assert.match(first.stdout, /bytes per thing \(B, lower is better\):/);
    assert.match(first.stdout, /\| fast \| 500 \(500–500\) \| 0\.50× \|/);
    assert.match(
      first.stdout,
      /- Target on Node [\d.]+: fast ≤ 0\.6× floor \(aim 0\.4× floor\): \*\*met\*\*: 0\.500× floor, aim 0\.4× floor not reached/,
    );
    assert.match(
      first.stdout,
      /- Target on Node [\d.]+: capped ≤ 1 ms: \*\*missed\*\*: 20\.0 ms, off by 19\.0 ms/,
    );
  });

  test('regenerates the docs tables between the markers, keeping the prose and other workloads', () => {
    const written = readFileSync(docs, 'utf8');
    assert.ok(written.startsWith('# Benchmarks\n\nProse before.\n\n<!-- bench:start -->'));
    assert.ok(written.endsWith('<!-- bench:end -->\n\nProse after.\n'));
    assert.match(written, /<!-- bench:workload w0-other -->\nOther table\.\n<!-- bench:workload-end -->/);
    assert.match(written, /<!-- bench:workload w1-demo -->\n### w1-demo: a demo workload/);
    // Rendering the saved results again changes nothing.
    const again = runHarness(['--results', results, '--docs', docs, '--from', 'latest', '--write-docs']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readFileSync(docs, 'utf8'), written);
  });

  test('rejects bad arguments with a message', () => {
    const bad = runHarness(['--rounds', '0']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--rounds must be a positive integer/);
    const unknown = runHarness(['--workloads', workloads, '--only', 'w9']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /--only: no workload matches w9/);
    const badNode = runHarness(['--node', '24,21']);
    assert.equal(badNode.status, 2);
    assert.match(badNode.stderr, /--node must list 20, 22, 24, 26, machine, both, all/);
  });

  test('--node machine measures on the Node running the harness only', () => {
    const only = runHarness([
      '--workloads',
      workloads,
      '--results',
      results,
      '--node',
      'machine',
      '--rounds',
      '1',
      '--impl',
      'base,fast',
    ]);
    assert.equal(only.status, 0, only.stderr);
    assert.match(only.stderr, new RegExp(`on Node ${process.versions.node.replaceAll('.', '\\.')}, `));
    const otherLines = ['20', '22', '24', '26'].filter((line) => line !== machineMajor);
    assert.doesNotMatch(only.stdout, new RegExp(`Node (${otherLines.join('|')})\\.`));
  });
});
