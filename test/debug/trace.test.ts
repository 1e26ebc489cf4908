import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTask, Lock, Queue, run, sleep, taskGroup } from 'asyncio-ts';
import { parseTrace, readTraceFile, type TraceEvent } from 'asyncio-ts/debug';
import { assertNoTimers } from '../helpers/leaks.js';

// real time: a trace records wall-clock timestamps (performance.now), so these runs sleep a few real ms; the
// assertions are about order and nesting, never about how long anything took.

const dir = mkdtempSync(join(tmpdir(), 'asyncio-ts-trace-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A program with every kind of span: group children on a queue, a lock, concurrent sleeps, a failure, a cancel. */
async function program(): Promise<void> {
  const lock = new Lock();
  const queue = new Queue<number>();
  await taskGroup(async (tg) => {
    tg.createTask(
      async () => {
        await sleep(10);
        queue.putNowait(1);
      },
      { name: 'producer' },
    );
    tg.createTask(() => queue.get(), { name: 'consumer' });
    tg.createTask(() => lock.runExclusive(() => sleep(5)), { name: 'locker-1' });
    tg.createTask(() => lock.runExclusive(() => sleep(5)), { name: 'locker-2' });
    tg.createTask(() => Promise.all([sleep(5), sleep(10)]), { name: 'both' });
  });
  const failing = createTask(
    async () => {
      await sleep(1);
      throw new Error('boom');
    },
    { name: 'failing' },
  );
  await failing.then(undefined, () => {});
  const sleeper = createTask(() => sleep(60_000), { name: 'sleeper' });
  await sleep(2);
  sleeper.cancel();
  await sleeper.then(undefined, () => {});
}

function spans(events: TraceEvent[], cat: string): TraceEvent[] {
  return events.filter((e) => e.ph === 'X' && e.cat === cat);
}

test('a trace file is JSON with one complete span per task and waits nested in their task', async () => {
  const path = join(dir, 'program.json');
  await run(program, { trace: path });
  const events = JSON.parse(readFileSync(path, 'utf8')) as TraceEvent[];
  assert.ok(Array.isArray(events));
  const tasks = spans(events, 'task');
  assert.deepEqual(tasks.map((t) => t.name).sort(), [
    'both',
    'consumer',
    'failing',
    'locker-1',
    'locker-2',
    'main',
    'producer',
    'sleeper',
  ]);
  // One complete span per task: ids are unique, each has a start and a duration.
  const byId = new Map(tasks.map((t) => [t.args!.id as number, t]));
  assert.equal(byId.size, tasks.length);
  for (const t of tasks) {
    assert.equal(t.tid, t.args!.id);
    assert.ok(Number.isInteger(t.ts) && Number.isInteger(t.dur) && t.dur! >= 0);
  }
  const state = (name: string) => tasks.find((t) => t.name === name)!.args!;
  assert.equal(state('failing').state, 'rejected');
  assert.equal(state('failing').error, 'Error: boom');
  assert.equal(state('sleeper').state, 'cancelled');
  assert.equal(state('producer').state, 'fulfilled');
  const mainId = state('main').id;
  assert.equal(state('producer').parent, mainId, 'a group child names its group task');
  assert.equal(state('failing').createdBy, mainId);

  // Every wait sits inside its task's span, on the task's row (or an extra row of that task).
  const waits = spans(events, 'wait');
  for (const w of waits) {
    const task = byId.get(w.args!.task as number);
    assert.ok(task !== undefined, `wait ${w.name} has its task`);
    assert.ok(w.ts! >= task.ts! && w.ts! + w.dur! <= task.ts! + task.dur!, `${w.name} inside ${task.name}`);
  }
  const labels = new Set(waits.map((w) => `${byId.get(w.args!.task as number)!.name}:${w.name}`));
  for (const expected of [
    'consumer:Queue.get',
    'producer:sleep',
    'both:sleep',
    'sleeper:sleep',
    'main:await task',
  ]) {
    assert.ok(labels.has(expected), `has ${expected}`);
  }
  assert.ok(
    labels.has('locker-1:Lock.acquire') || labels.has('locker-2:Lock.acquire'),
    'the second locker waited for the lock',
  );
  assert.equal(
    waits.find((w) => w.name === 'sleep' && byId.get(w.args!.task as number)!.name === 'sleeper')!.args!
      .outcome,
    'cancelled',
  );

  // On each row, spans nest (Perfetto rejects partial overlaps): the two sleeps of `both` use two rows.
  const rows = new Map<number, TraceEvent[]>();
  for (const e of [...tasks, ...waits]) rows.set(e.tid!, [...(rows.get(e.tid!) ?? []), e]);
  for (const [tid, row] of rows) {
    row.sort((a, b) => a.ts! - b.ts! || b.dur! - a.dur!);
    for (let i = 0; i < row.length; i++) {
      for (let j = i + 1; j < row.length; j++) {
        const a = row[i]!;
        const b = row[j]!;
        const nested = b.ts! >= a.ts! && b.ts! + b.dur! <= a.ts! + a.dur!;
        const disjoint = b.ts! >= a.ts! + a.dur!;
        assert.ok(nested || disjoint, `row ${tid}: ${a.name} and ${b.name} overlap without nesting`);
      }
    }
  }
  const bothId = state('both').id as number;
  const bothSleeps = waits.filter((w) => w.args!.task === bothId && w.name === 'sleep');
  assert.equal(bothSleeps.length, 2);
  assert.notEqual(bothSleeps[0]!.tid, bothSleeps[1]!.tid);

  // Rows are named after their tasks.
  const names = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [e.tid, e.args!.name]));
  for (const t of tasks) assert.equal(names.get(t.tid), t.name);
  assert.equal(names.get(bothSleeps.find((w) => w.tid !== bothId)!.tid), 'both ∥ 1');
  await assertNoTimers();
});

test('names that need escaping, and long ones, survive the trip', async () => {
  const path = join(dir, 'names.json');
  const names = ['he said "hi"', 'back\\slash', 'tab\tnew\nline', 'ünïcødé ∥ 🚀', 'x'.repeat(5000)];
  await run(
    async () => {
      for (const name of names) await createTask(async () => {}, { name });
    },
    { trace: path },
  );
  const tasks = spans(readTraceFile(path), 'task');
  assert.deepEqual(
    tasks.map((t) => t.name).filter((n) => n !== 'main'),
    names,
  );
});

test('parseTrace reads a trace cut short and the object form; readTraceFile reads a file', () => {
  const path = join(dir, 'program.json');
  const whole = readFileSync(path, 'utf8');
  const cut = whole.slice(0, whole.lastIndexOf(']'));
  assert.deepEqual(parseTrace(cut), readTraceFile(path));
  assert.deepEqual(parseTrace(`${cut.trimEnd()},`), readTraceFile(path));
  assert.deepEqual(parseTrace('{"traceEvents":[{"name":"a","ph":"X","pid":1}]}'), [
    { name: 'a', ph: 'X', pid: 1 },
  ]);
  assert.throws(() => parseTrace('{"nope":1}'), TypeError);
  assert.throws(() => parseTrace('{"traceEvents": [ '), SyntaxError);
});

test('trace must be a path, and a file that cannot be opened fails run() before main starts', async () => {
  let started = false;
  await assert.rejects(
    run(
      async () => {
        started = true;
      },
      { trace: join(dir, 'no-such-dir', 'x.json') },
    ),
    { code: 'ENOENT' },
  );
  assert.equal(started, false);
  assert.throws(
    // @ts-expect-error: not a path
    () => run(async () => {}, { trace: 42 }),
    /options\.trace must be a file path/,
  );
});

test('ASYNCIO_TS_TRACE traces every run of a process into one file, closed at exit', () => {
  const path = join(dir, 'env.json');
  const script = join(dir, 'two-runs.mts');
  writeFileSync(
    script,
    [
      `import { run, sleep, createTask } from ${JSON.stringify(fileURLToPath(new URL('../../src/index.ts', import.meta.url)))};`,
      'await run(async () => { await sleep(1); });',
      "await run(async () => { await createTask(() => sleep(1), { name: 'second' }); });",
    ].join('\n'),
  );
  const result = spawnSync(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ASYNCIO_TS_TRACE: path, NODE_OPTIONS: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stderr);
  const events = JSON.parse(readFileSync(path, 'utf8')) as TraceEvent[];
  const processes = events.filter((e) => e.name === 'process_name').map((e) => e.pid);
  assert.deepEqual(processes, [1, 2]);
  assert.deepEqual(
    spans(events, 'task').map((t) => `${t.pid}:${t.name}`),
    ['1:main', '2:second', '2:main'],
  );
});
