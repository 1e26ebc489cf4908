// The executor is a subpath: importing `asyncio-ts` alone never loads piscina nor starts a thread.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as executor from 'asyncio-ts/executor';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

test('importing asyncio-ts in a fresh process loads no piscina', () => {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'test/executor/fixtures/core-only.ts')],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 60_000,
    },
  );
  assert.equal(child.status, 0, child.stderr);
  const report = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { piscina: string[] };
  assert.deepEqual(report.piscina, []);
});

test('no module reachable from src/index.ts imports the executor or piscina', () => {
  // The static import graph, which dist/ mirrors: one file at a time from the core entry point.
  const seen = new Set<string>();
  const pending = [join(root, 'src/index.ts')];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g)) {
      const specifier = match[1]!;
      assert.notEqual(specifier, 'piscina', `${file} imports piscina`);
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
      assert.ok(!target.includes(`${join('src', 'executor')}`), `${file} imports ${specifier}`);
      pending.push(target);
    }
  }
  assert.ok(seen.size > 10, `walked ${seen.size} modules`);
});

test('the subpath exports the documented API', () => {
  for (const name of [
    'toThread',
    'runInExecutor',
    'ThreadPoolExecutor',
    'workerFunction',
    'move',
    'cancelled',
    'jobSignal',
    'WorkerCrashedError',
    'activeWorkerCount',
  ]) {
    assert.equal(typeof (executor as Record<string, unknown>)[name], 'function', name);
  }
});
