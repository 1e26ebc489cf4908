/**
 * Tracing: task and wait spans written as Chrome Trace Event JSON (the JSON Array Format), which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open. Each run is a process (`pid`), each task a thread (`tid`)
 * named after the task, with one complete (`"ph": "X"`) span for the task and one for each of its waits,
 * nested inside it. A task that waits on two things at once (e.g. `Promise.all` of two sleeps) gets its
 * extra waits on a second row (`name ∥ 1`), because spans on one row must nest.
 *
 * Memory stays bounded: events are streamed to the file in chunks of at most {@link FLUSH_BYTES} bytes.
 * A trace cut short (the process was killed) lacks only the closing `]`, which both viewers accept and
 * {@link parseTrace} repairs.
 * @module
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Task } from '../core/task.js';
import type { Waiter } from '../core/waiter.js';
import type { TaskRecord, WaitRecord } from './records.js';

/** Buffered bytes (roughly: string length) before a write to the file. */
const FLUSH_BYTES = 256 * 1024;

/** One Chrome Trace Event, as written by asyncio-ts and read back by {@link parseTrace}. */
export interface TraceEvent {
  /** The task's name, the wait's label (`'sleep'`, `'Lock.acquire'`), or a metadata name. */
  name: string;
  /** `'X'`: a complete span (`ts` + `dur`); `'M'`: metadata (process and thread names). */
  ph: string;
  /** `'task'` or `'wait'` for spans. */
  cat?: string;
  /** Start, in microseconds (`performance.now()` × 1000). */
  ts?: number;
  /** Duration in microseconds. */
  dur?: number;
  /** The run (1, 2, … in the order runs attached to this trace). */
  pid: number;
  /** The task's id (its `Task-<n>` number); an extra row for concurrent waits has a larger id. */
  tid?: number;
  args?: Record<string, unknown>;
}

/** Task span `args`: `id`, `state`, optional `parent` (the task group's task), `createdBy`, `createdAt`, `error`. */
export interface TaskSpanArgs {
  id: number;
  state: 'fulfilled' | 'rejected' | 'cancelled';
  parent?: number;
  createdBy?: number;
  createdAt?: string;
  startedAt?: number;
  error?: string;
}

/** Wait span `args`: the waiting task's id, how the wait ended, and `describe()` when it adds detail. */
export interface WaitSpanArgs {
  task: number;
  outcome: 'resolved' | 'rejected' | 'cancelled';
  detail?: string;
}

function us(ms: number): number {
  return Math.round(ms * 1000);
}

/** Streams trace events to one file. @internal */
export class TraceWriter {
  readonly path: string;
  private fd: number | undefined;
  private chunks: string[] = ['['];
  private size = 1;
  private empty = true;
  private runs = 0;

  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, 'w');
  }

  /** A pid for a new run. */
  nextPid(): number {
    return ++this.runs;
  }

  /** Appends one event given as JSON text. */
  write(json: string): void {
    if (this.fd === undefined) return;
    this.chunks.push(this.empty ? '\n' : ',\n', json);
    this.empty = false;
    this.size += json.length + 2;
    if (this.size >= FLUSH_BYTES) this.flush();
  }

  /** Writes what is buffered. */
  flush(): void {
    const fd = this.fd;
    if (fd === undefined || this.chunks.length === 0) return;
    writeSync(fd, this.chunks.join(''));
    this.chunks = [];
    this.size = 0;
  }

  /** Ends the JSON array and closes the file. */
  close(): void {
    if (this.fd === undefined) return;
    this.chunks.push('\n]\n');
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
  }

  get closed(): boolean {
    return this.fd === undefined;
  }
}

const sharedWriters = new Map<string, TraceWriter>();

/**
 * The writer for `ASYNCIO_TS_TRACE`: shared by every run of the process, closed when the process exits
 * (each run flushes what it wrote when it ends). @internal
 */
export function sharedTraceWriter(path: string): TraceWriter {
  let writer = sharedWriters.get(path);
  if (writer === undefined || writer.closed) {
    writer = new TraceWriter(path);
    sharedWriters.set(path, writer);
    if (sharedWriters.size === 1) process.once('exit', closeSharedWriters);
  }
  return writer;
}

function closeSharedWriters(): void {
  for (const writer of sharedWriters.values()) writer.close();
  sharedWriters.clear();
}

/** The events of one run in a trace file. @internal */
export class RunTrace {
  readonly writer: TraceWriter;
  readonly pid: number;
  /** `,"pid":N,"tid":` — the fixed middle of every event of this run. */
  private readonly pidPart: string;
  private readonly shared: boolean;

  constructor(writer: TraceWriter, runName: string, shared: boolean) {
    this.writer = writer;
    this.shared = shared;
    this.pid = writer.nextPid();
    this.pidPart = `,"pid":${this.pid},"tid":`;
    const name = JSON.stringify(`run ${this.pid}: ${runName} (asyncio-ts)`);
    writer.write(`{"name":"process_name","ph":"M","pid":${this.pid},"tid":0,"args":{"name":${name}}}`);
    writer.write(
      `{"name":"process_sort_index","ph":"M","pid":${this.pid},"tid":0,"args":{"sort_index":${this.pid}}}`,
    );
  }

  /** Writes the task's row name and its span. */
  task(
    task: Task<unknown>,
    record: TaskRecord,
    state: TaskSpanArgs['state'],
    error: unknown,
    end: number,
  ): void {
    const id = task.id;
    const name = JSON.stringify(task.name);
    this.nameRow(id, name, id * 32);
    const start = us(record.createdAt);
    let args = `{"id":${id},"state":"${state}"`;
    if (record.parentId !== 0) args += `,"parent":${record.parentId}`;
    if (record.creatorId !== 0) args += `,"createdBy":${record.creatorId}`;
    if (record.startedAt >= 0) args += `,"startedAt":${us(record.startedAt)}`;
    const site = record.site;
    if (site !== undefined) args += `,"createdAt":${JSON.stringify(site)}`;
    if (state === 'rejected') args += `,"error":${JSON.stringify(summarize(error))}`;
    this.writer.write(
      `{"name":${name},"cat":"task","ph":"X","ts":${start},"dur":${us(end) - start}${this.pidPart}${id},"args":${args}}}`,
    );
  }

  /** Writes one wait span, on the task's row or, for a concurrent wait, on an extra row. */
  wait(wait: WaitRecord, record: TaskRecord, outcome: WaitSpanArgs['outcome'], end: number): void {
    const task = wait.task;
    const lane = wait.lane;
    let tid = task.id;
    if (lane > 0) {
      tid = laneTid(task.id, lane);
      if ((record.namedLanes & (1 << lane)) === 0) {
        record.namedLanes |= 1 << lane;
        this.nameRow(tid, JSON.stringify(`${task.name} ∥ ${lane}`), task.id * 32 + lane);
      }
    }
    const waiter: Waiter<unknown> = wait.waiter;
    const label = waiter.label;
    const detail = waiter.describe();
    const start = us(wait.since);
    let args = `{"task":${task.id},"outcome":"${outcome}"`;
    if (detail !== label) args += `,"detail":${JSON.stringify(detail)}`;
    this.writer.write(
      `{"name":${JSON.stringify(label)},"cat":"wait","ph":"X","ts":${start},"dur":${us(end) - start}${this.pidPart}${tid},"args":${args}}}`,
    );
  }

  /** The run ended: a private file is closed, the shared one flushed. */
  end(): void {
    if (this.shared) this.writer.flush();
    else this.writer.close();
  }

  private nameRow(tid: number, jsonName: string, sortIndex: number): void {
    this.writer.write(`{"name":"thread_name","ph":"M"${this.pidPart}${tid},"args":{"name":${jsonName}}}`);
    this.writer.write(
      `{"name":"thread_sort_index","ph":"M"${this.pidPart}${tid},"args":{"sort_index":${sortIndex}}}`,
    );
  }
}

/** Row id of a task's extra lane (kept apart from task ids). */
function laneTid(taskId: number, lane: number): number {
  return 1_000_000_000 + taskId * 32 + lane;
}

function summarize(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * Parses a trace written by `run(main, { trace })` (or any Chrome Trace Event JSON: an array, or an object
 * with `traceEvents`). A file cut short, missing its closing `]`, is repaired.
 *
 * @example
 * ```ts
 * import { parseTrace, readTraceFile } from 'asyncio-ts';
 * const events = readTraceFile('trace.json');
 * const tasks = events.filter((e) => e.cat === 'task');
 * console.log(parseTrace('[{"name":"main","ph":"X","ts":0,"dur":5,"pid":1,"tid":1}]').length); // 1
 * ```
 */
export function parseTrace(text: string): TraceEvent[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const trimmed = text.trimEnd().replace(/,$/, '');
    if (!trimmed.startsWith('[') || trimmed.endsWith(']')) throw err;
    value = JSON.parse(`${trimmed}\n]`);
  }
  const events = Array.isArray(value) ? value : (value as { traceEvents?: unknown } | null)?.traceEvents;
  if (!Array.isArray(events)) {
    throw new TypeError('parseTrace: expected a JSON array of trace events or an object with traceEvents');
  }
  return events as TraceEvent[];
}

/**
 * Reads and parses a trace file (see {@link parseTrace}).
 *
 * @example
 * ```ts
 * import { readTraceFile, formatTimeline } from 'asyncio-ts';
 * console.log(formatTimeline(readTraceFile('trace.json')));
 * ```
 */
export function readTraceFile(path: string): TraceEvent[] {
  return parseTrace(readFileSync(path, 'utf8'));
}
