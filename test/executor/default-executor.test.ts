// The default executor: one per run(), made on first use, shut down when its run ends.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from 'asyncio-ts';
import { activeWorkerCount, toThread } from 'asyncio-ts/executor';
import { defaultExecutor } from '../../src/executor/default-executor.js';

test('each run has its own default executor, shut down when the run ends', async () => {
  const first = await run(async () => {
    const executor = defaultExecutor();
    assert.equal(defaultExecutor(), executor, 'made once per run');
    assert.equal(executor.statistics().threads, 0, 'no thread before the first job');
    assert.equal(await toThread((x: number) => x + 1, 1), 2);
    const nested = await run(async () => defaultExecutor());
    assert.notEqual(nested, executor, 'a nested run has its own');
    assert.equal(nested.statistics().state, 'shut-down');
    assert.equal(executor.statistics().state, 'open', 'the outer run goes on');
    return executor;
  });
  assert.equal(first.statistics().state, 'shut-down');
  assert.equal(activeWorkerCount(), 0);
  const second = await run(async () => defaultExecutor());
  assert.notEqual(second, first);
});

test('outside every run, one process-wide executor is shared', async () => {
  const executor = defaultExecutor();
  assert.equal(defaultExecutor(), executor);
  assert.equal(executor.statistics().state, 'open');
  assert.equal(executor.statistics().maxWorkers > 0, true);
});

test('idle threads never keep the process alive (executors that were never shut down)', () => {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./fixtures/idle-exit.ts', import.meta.url))],
    { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 },
  );
  assert.equal(child.signal, null, 'the process had to be killed: something kept it alive');
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(child.stdout.trim().split('\n'), ['2', '4', 'threads alive at the end: 1']);
});
