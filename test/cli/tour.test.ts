import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SEED_PROGRAMS } from '../../src/cli/tour-programs.js';
import { ROOT, runCli } from '../helpers/cli.js';

// real time: the tour runs every example as a real process and prints its claims beside real measurements.

// The seed document's text, kept in the repository (examples/seed/asyncio-tutorial.txt, copied verbatim).
const SEED_DOCUMENT = `${ROOT}/examples/seed/asyncio-tutorial.txt`;

test("the seed snippets are the seed document's programs, line for line (only the lost indentation restored)", () => {
  const seedLines = readFileSync(SEED_DOCUMENT, 'utf8').split('\n');
  const files = readdirSync(`${ROOT}/examples/seed`).filter((f) => f.endsWith('.py'));
  assert.deepEqual(files.map((f) => f.replace(/\.py$/, '')).sort(), SEED_PROGRAMS.map((p) => p.seed).sort());
  for (const file of files) {
    const lines = readFileSync(`${ROOT}/examples/seed/${file}`, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => l.trim());
    // The first line may follow prose on the same line of the extracted text ("…concurrencyimport asyncio").
    const start = seedLines.findIndex(
      (line, i) => line.endsWith(lines[0]!) && lines.slice(1).every((l, j) => seedLines[i + 1 + j] === l),
    );
    assert.ok(start >= 0, `${file} is not a run of the seed document's lines`);
  }
});

test('tour --list names every example with its seed program', async () => {
  const result = await runCli(['tour', '--list']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^ 1\. hello\.ts +Hello, asyncio.*\(seed: hello\.py\)$/m);
  assert.match(result.stdout, /sync-vs-async\.ts.*\(seed: sync-vs-async\.py\)/);
});

test('tour --no-run --layout side shows the Python beside the TypeScript', async () => {
  const result = await runCli(['tour', 'wait', '--no-run', '--layout', 'side']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Python \(the seed\) +│ TypeScript \(examples\/wait-for\.ts\)/);
  assert.match(result.stdout, /^ {2}async def slow\(\): +│ /m);
  assert.match(result.stdout, /await asyncio\.wait_for\(slow\(\), timeout=1\.0\) +│ /);
  assert.doesNotMatch(result.stdout, /running/);
});

// Runs every twin for real: the seed's programs sleep for ≈ 15 s in all, plus a process start each.
test('tour runs every program, prints the claim beside the measurement, and exits 0', {
  timeout: 300_000,
}, async () => {
  const { EXAMPLES } = (await import(`${ROOT}/examples/run-all.mjs`)) as {
    EXAMPLES: Array<{ file: string }>;
  };
  const result = await runCli(['tour']);
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  for (const { file } of EXAMPLES) assert.match(result.stdout, new RegExp(`▶ running examples/${file}`));
  assert.match(result.stdout, /claimed ≈ 5 s vs ≈ 1 s\n {4}measured \d+\.\d\d s vs \d+\.\d\d s/);
  assert.match(result.stdout, /│ Hello, asyncio!/);
  // The rules of thumb, live: debug mode's blocked-loop warning names the task; a dropped wait is reported.
  assert.match(
    result.stdout,
    /measured warned: task "blockingIo" took \d+ ms; heartbeats \d+ on the loop vs \d+/,
  );
  assert.match(result.stdout, /measured got a Promise; reported: sleep was never awaited at examples\/rules/);
  assert.match(result.stdout, new RegExp(`${EXAMPLES.length + 2} programs, 0 failed`));
  assert.doesNotMatch(result.stdout, /✗/);
});
