import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function check(...args: string[]): { status: number | null; out: string } {
  const result = spawnSync(process.execPath, ['scripts/check-doc-examples.mjs', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 120_000,
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

test('the doc-example checker names the file and line of an undeclared name and of a marker without reason', () => {
  const { status, out } = check('--no-run', 'test/fixtures/doc-examples/examples.md');
  assert.equal(status, 1);
  assert.match(out, /^test\/fixtures\/doc-examples\/examples\.md:12: TS2304: Cannot find name 'work'\.$/m);
  assert.match(out, /^test\/fixtures\/doc-examples\/examples\.md:29: no-run marker needs a reason$/m);
  assert.match(out, /doc examples: 5 found, 4 type-checked, 3 compiled, 1 opted out \(no-check\)/);
});

test('the doc-example checker runs whole programs and reports one that fails, with its line', () => {
  const { status, out } = check('test/fixtures/doc-examples/examples.md');
  assert.equal(status, 1);
  assert.match(out, /^test\/fixtures\/doc-examples\/examples\.md:18: the example exited with 1$/m);
  assert.match(out, /Error: ran and failed/);
  assert.match(out, /doc programs: 1 run, 0 exited 0, 1 opted out \(no-run\)/);
});

test('a block split into files by `// name.ts` lines runs as one program', () => {
  const { status, out } = check('test/fixtures/doc-examples/multi-file.md');
  assert.equal(status, 0, out);
  assert.match(out, /doc examples: 1 found, 1 type-checked, 1 compiled/);
  assert.match(out, /doc programs: 1 run, 1 exited 0/);
});
