// DESIGN §2: the root entry holds the core, combinators, sync and queues; the debug tools are
// `asyncio-ts/debug`, and the core reaches them only through its debug hooks (loaded when asked for).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as rootEntry from 'asyncio-ts';
import * as debugEntry from 'asyncio-ts/debug';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const staticImport = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g;

test('the root entry exports none of the debug tools; asyncio-ts/debug does', () => {
  for (const name of [
    'formatTaskTree',
    'taskTree',
    'channelNames',
    'formatTimeline',
    'timelineSvg',
    'readTraceFile',
  ]) {
    assert.equal(name in rootEntry, false, `asyncio-ts exports ${name}`);
    assert.equal(name in debugEntry, true, `asyncio-ts/debug lacks ${name}`);
  }
});

test('no module statically reachable from src/index.ts is in src/debug', () => {
  const seen = new Set<string>();
  const pending = [join(root, 'src/index.ts')];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(staticImport)) {
      const specifier = match[1]!;
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
      assert.ok(!target.includes(`${join('src', 'debug')}`), `${file} imports ${specifier}`);
      pending.push(target);
    }
  }
  assert.ok(seen.size > 20, 'the walk followed the imports');
});

test('src/core imports nothing from src/debug, not even types', () => {
  const dir = join(root, 'src/core');
  for (const file of readdirSync(dir)) {
    for (const match of readFileSync(join(dir, file), 'utf8').matchAll(staticImport)) {
      assert.ok(!match[1]!.includes('/debug/'), `src/core/${file} imports ${match[1]}`);
    }
  }
});
