import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createTask, gather, run, sleep } from 'asyncio-ts';
import { formatTimeline, readTraceFile, type TraceEvent, timelineOf, timelineSvg } from 'asyncio-ts/debug';
import { checkWellFormedXml } from '../helpers/xml.js';

// real time: a trace records wall-clock timestamps (performance.now), so these runs sleep a few real ms; the
// assertions are about order and nesting, never about how long anything took.

const dir = mkdtempSync(join(tmpdir(), 'asyncio-ts-timeline-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The seed's sync-vs-async program, with 20 ms jobs: five in sequence, then five gathered. */
async function syncVsAsync(): Promise<TraceEvent[]> {
  const path = join(dir, 'sync-vs-async.json');
  const job = (i: number) => sleep(20, `job ${i}`);
  await run(
    async () => {
      for (let i = 0; i < 5; i++) await createTask(() => job(i), { name: `one after another ${i}` });
      await gather(...[0, 1, 2, 3, 4].map((i) => createTask(() => job(i), { name: `side by side ${i}` })));
    },
    { trace: path },
  );
  return readTraceFile(path);
}

const events = await syncVsAsync();

test('the timeline model: one row per task, sequential bars one after another, gathered ones side by side', () => {
  const { rows, durationMs } = timelineOf(events);
  assert.equal(rows.length, 11);
  assert.equal(rows[0]!.name, 'main');
  assert.ok(Math.abs(rows[0]!.start) < 1e-9 && Math.abs(rows[0]!.end - durationMs) < 0.01);
  const sequential = rows.filter((r) => r.name.startsWith('one after another'));
  const concurrent = rows.filter((r) => r.name.startsWith('side by side'));
  assert.equal(sequential.length, 5);
  assert.equal(concurrent.length, 5);
  for (let i = 1; i < 5; i++) assert.ok(sequential[i]!.start >= sequential[i - 1]!.end, 'one after another');
  for (const a of concurrent)
    for (const b of concurrent) assert.ok(a.start < b.end && b.start < a.end, 'side by side');
  for (const row of [...sequential, ...concurrent]) {
    assert.equal(row.state, 'fulfilled');
    assert.deepEqual(
      row.waits.map((w) => w.label),
      ['sleep'],
    );
    assert.ok(row.waits[0]!.start >= row.start && row.waits[0]!.end <= row.end);
  }
});

test('the SVG is well-formed and has one bar per task', () => {
  const svg = timelineSvg(events, { title: 'sync vs async <twin> & friends' });
  const elements = checkWellFormedXml(svg);
  assert.equal(elements[0], 'svg');
  const bars = svg.match(/<rect class="bar [a-z]+"/g) ?? [];
  assert.equal(bars.length, 11);
  assert.equal(bars.length, events.filter((e) => e.cat === 'task').length);
  for (const name of ['main', 'one after another 0', 'side by side 4'])
    assert.ok(svg.includes(`>${name}</text>`));
  assert.ok(svg.includes('sync vs async &lt;twin&gt; &amp; friends'));
});

test('the terminal chart: a header, one line per task in creation order, a legend', () => {
  const text = formatTimeline(events, { width: 80 });
  const lines = text.split('\n');
  assert.equal(lines.length, 2 + 11 + 1);
  const rows = lines.slice(2, 13);
  assert.deepEqual(
    rows.map((l) => l.slice(0, 20).trim()),
    [
      'main',
      ...[0, 1, 2, 3, 4].map((i) => `one after another ${i}`),
      ...[0, 1, 2, 3, 4].map((i) => `side by side ${i}`),
    ],
  );
  for (const line of lines) assert.ok([...line].length <= 80, `fits in 80 columns: ${line}`);
  // Bars of the sequential jobs start further right one after another; the gathered ones start together.
  const firstMark = (line: string) => line.slice(21).search(/[█░]/);
  const seqStarts = rows.slice(1, 6).map(firstMark);
  for (let i = 1; i < 5; i++) assert.ok(seqStarts[i]! > seqStarts[i - 1]!, `sequential starts ${seqStarts}`);
  const parStarts = rows.slice(6).map(firstMark);
  assert.ok(Math.max(...parStarts) - Math.min(...parStarts) <= 1, `gathered starts ${parStarts}`);
  assert.ok(!text.includes('\u001b['), 'no colour by default');
  assert.ok(formatTimeline(events, { color: true }).includes('\u001b[32m'), 'green for fulfilled');
});

test('states other than fulfilled are shown, and an empty trace says so', () => {
  const synthetic: TraceEvent[] = [
    {
      name: 'ok',
      ph: 'X',
      cat: 'task',
      ts: 0,
      dur: 1000,
      pid: 1,
      tid: 1,
      args: { id: 1, state: 'fulfilled' },
    },
    {
      name: 'bad',
      ph: 'X',
      cat: 'task',
      ts: 100,
      dur: 400,
      pid: 1,
      tid: 2,
      args: { id: 2, state: 'rejected' },
    },
    {
      name: 'stop',
      ph: 'X',
      cat: 'task',
      ts: 200,
      dur: 0,
      pid: 1,
      tid: 3,
      args: { id: 3, state: 'cancelled' },
    },
  ];
  const lines = formatTimeline(synthetic, { width: 60 }).split('\n');
  assert.match(lines[3]!, /^bad .*█ {2}rejected$/);
  assert.match(lines[4]!, /^stop .*█ {2}cancelled$/, 'a zero-length task still gets one mark');
  const svg = timelineSvg(synthetic);
  checkWellFormedXml(svg);
  assert.deepEqual(svg.match(/<rect class="bar [a-z]+"/g), [
    '<rect class="bar fulfilled"',
    '<rect class="bar rejected"',
    '<rect class="bar cancelled"',
  ]);
  assert.equal(formatTimeline([]), '(no task spans in this trace)');
  checkWellFormedXml(timelineSvg([]));
});

test('the XML checker used above rejects what it should', () => {
  assert.throws(() => checkWellFormedXml('<a><b></a></b>'));
  assert.throws(() => checkWellFormedXml('<a x=1/>'));
  assert.throws(() => checkWellFormedXml('<a>&nbsp;</a>'));
  assert.throws(() => checkWellFormedXml('<a/><b/>'));
  assert.deepEqual(checkWellFormedXml('<a x="1"><b/>t &amp; u</a>'), ['a', 'b']);
});
