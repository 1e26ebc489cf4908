// Pictures that tell the truth (issue 12 §5): a task that awaits a task group, map, gather, another task or
// a thread job is traced and drawn as waiting on it, by name, not as running; a thread job's time in the
// queue is told apart from its run on a thread. Real threads; only what the trace says is asserted, never
// how long anything took.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createTask, gather, map, run, sleep, taskGroup } from 'asyncio-ts';
import { formatTimeline, readTraceFile, timelineOf, timelineSvg } from 'asyncio-ts/debug';
import { ThreadPoolExecutor } from 'asyncio-ts/executor';
import { checkWellFormedXml } from '../helpers/xml.js';

// real time: a trace records wall-clock timestamps (performance.now), so these runs sleep a few real ms; the
// assertions are about order and nesting, never about how long anything took.

const dir = mkdtempSync(join(tmpdir(), 'asyncio-ts-waiting-on-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('main waits on a task group, map, gather, a task and a thread job: traced and drawn as waits', async () => {
  const path = join(dir, 'etl.json');
  const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
  try {
    await run(
      async () => {
        await taskGroup(async (tg) => {
          tg.createTask(() => sleep(5), { name: 'extract' });
        });
        await map((n: number) => sleep(n), [2, 3], { concurrency: 2 });
        await gather(
          () => sleep(2),
          () => sleep(3),
        );
        await createTask(() => sleep(2), { name: 'loader' });
        // 20 ms on the thread, so that its run shows at any scale.
        await executor.runJob(
          (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms),
          [20],
        );
      },
      { trace: path },
    );
  } finally {
    await executor.shutdown();
  }
  const events = readTraceFile(path);
  const timeline = timelineOf(events);
  const main = timeline.rows.find((r) => r.name === 'main')!;
  const labels = main.waits.map((w) => w.label);
  assert.deepEqual(labels, [
    'taskGroup',
    'map',
    'gather',
    'await task',
    'thread job (queued)',
    'thread job (running)',
  ]);
  assert.equal(main.waits[3]!.detail, 'await task loader');
  const [queued, running] = main.waits.slice(4);
  assert.ok(queued!.end <= running!.start + 1e-6, 'the queue time comes before the run time');

  const text = formatTimeline(events, { width: 100 });
  const mainLine = text.split('\n').find((l) => l.startsWith('main '))!;
  assert.match(mainLine, / {2}taskGroup, map, gather, task /, 'what main waited on, beside its bar');
  // (Whether the 20 ms run fills a whole column depends on the scale; the legend says it is drawn apart.)
  assert.match(text, /▓ its thread job runs/);
  const svg = timelineSvg(events);
  checkWellFormedXml(svg);
  assert.match(svg, /<rect class="thread"/);
  assert.match(svg, /<title>main waiting on taskGroup, /);
  assert.match(svg, /<title>main waiting on await task loader, /);
});
