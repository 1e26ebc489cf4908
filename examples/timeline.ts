// Seeing what a program does: the seed's sync-vs-async program, traced and drawn as a timeline
// (docs/debugging.md). The seed's synchronous half blocks the thread with time.sleep, and a blocked thread
// runs no tasks to trace, so this twin runs the five 1-second jobs as tasks awaited one after another, then
// five more gathered: five bars one after another (≈ 5 s), then five side by side (≈ 1 s).
// `--svg FILE` also writes the picture (docs/img/timeline-sync-vs-async.svg is made this way).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTask, gather, run, sleep } from 'asyncio-ts';
import { formatTimeline, readTraceFile, timelineSvg } from 'asyncio-ts/debug';

async function job(i: number): Promise<string> {
  await sleep(1000); // one second of "I/O"
  return `job ${i}`;
}

async function main(): Promise<void> {
  let start = performance.now();
  const sequential: string[] = [];
  for (let i = 0; i < 5; i++)
    sequential.push(await createTask(() => job(i), { name: `one after another ${i}` }));
  console.log(sequential, `${((performance.now() - start) / 1000).toFixed(2)}s`);
  start = performance.now();
  const together = await gather(
    ...[0, 1, 2, 3, 4].map((i) => createTask(() => job(i), { name: `side by side ${i}` })),
  );
  console.log(together, `${((performance.now() - start) / 1000).toFixed(2)}s`);
}

const dir = mkdtempSync(join(tmpdir(), 'asyncio-ts-timeline-'));
try {
  const tracePath = join(dir, 'trace.json');
  await run(main, { trace: tracePath }); // or ASYNCIO_TS_TRACE=trace.json
  const events = readTraceFile(tracePath);
  console.log(formatTimeline(events, { width: 100, color: process.stdout.isTTY === true }));
  const svgAt = process.argv.indexOf('--svg');
  if (svgAt > 0 && process.argv[svgAt + 1] !== undefined) {
    const title = 'sync vs async: five 1 s jobs awaited one after another, then five gathered';
    writeFileSync(process.argv[svgAt + 1]!, timelineSvg(events, { title }));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
