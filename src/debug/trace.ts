/**
 * Tracing: task and wait spans written as Chrome Trace Event JSON (the JSON Array Format), which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open. Each run is a process (`pid`), each task a thread (`tid`)
 * named after the task, with one complete (`"ph": "X"`) span for the task and one for each of its waits,
 * nested inside it. A task that waits on two things at once (e.g. `Promise.all` of two sleeps) gets its
 * extra waits on a second row (`name ∥ 1`), because spans on one row must nest.
 *
 * Memory stays bounded: events are encoded into one 1 MiB buffer, written to the file whenever it fills.
 * A trace cut short (the process was killed) lacks only the closing `]`, which both viewers accept and
 * {@link parseTrace} repairs.
 * @module
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Task } from '../core/task.js';
import type { Waiter } from '../core/waiter.js';
import type { TaskRecord, WaitRecord } from './records.js';

/** The write buffer: events are encoded into it and written to the file whenever it is nearly full. */
const BUFFER_BYTES = 1024 * 1024;

/** One Chrome Trace Event, as written by asyncio-ts and read back by {@link parseTrace}. */
export interface TraceEvent {
  /** The task's name, the wait's label (`'sleep'`, `'Lock.acquire'`), or a metadata name. */
  name: string;
  /** `'X'`: a complete span (`ts` + `dur`); `'M'`: metadata (process and thread names). */
  ph: string;
  /** `'task'` or `'wait'` for spans. */
  cat?: string;
  /** Start, in microseconds since the trace file was opened. */
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
  error?: string;
}

/** Wait span `args`: the waiting task's id, how the wait ended, and `describe()` when it adds detail. */
export interface WaitSpanArgs {
  task: number;
  outcome: 'resolved' | 'rejected' | 'cancelled';
  detail?: string;
}

/** Room kept free for one event's fixed parts; strings that do not fit trigger a flush of their own. */
const EVENT_ROOM = 1024;
/** Strings up to this length are copied byte by byte (cheaper than a call into `Buffer.write`). */
const SHORT_STRING = 64;

/**
 * Streams trace events to one file. Events are encoded piece by piece straight into the buffer (ASCII
 * constants, integers digit by digit, JSON strings), so tracing allocates almost nothing per event.
 * Timestamps are microseconds since the writer was opened. @internal
 */
export class TraceWriter {
  readonly path: string;
  /** `performance.now()` when the file was opened: the trace's time zero. */
  readonly origin = performance.now();
  private fd: number | undefined;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private empty = true;
  private runs = 0;

  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, 'w');
    this.buffer[this.used++] = 0x5b; // '['
  }

  /** A pid for a new run. */
  nextPid(): number {
    return ++this.runs;
  }

  get closed(): boolean {
    return this.fd === undefined;
  }

  /** Microseconds since the trace's time zero for a `performance.now()` reading. */
  us(ms: number): number {
    return Math.round((ms - this.origin) * 1000);
  }

  /** Starts an event: the separator; the caller writes the object. False once the file is closed. */
  begin(): boolean {
    if (this.fd === undefined) return false;
    if (this.used + EVENT_ROOM > BUFFER_BYTES) this.flush();
    const buffer = this.buffer;
    if (this.empty) this.empty = false;
    else buffer[this.used++] = 0x2c; // ','
    buffer[this.used++] = 0x0a; // '\n'
    return true;
  }

  /** Appends ASCII text as is (the caller's constants: keys, punctuation). */
  raw(ascii: string): void {
    const buffer = this.buffer;
    let used = this.used;
    for (let i = 0; i < ascii.length; i++) buffer[used++] = ascii.charCodeAt(i);
    this.used = used;
  }

  /** Appends an integer in decimal. */
  int(n: number): void {
    const buffer = this.buffer;
    if (n < 0) {
      buffer[this.used++] = 0x2d; // '-'
      n = -n;
    }
    if (n < 2147483648) {
      let digits = 1;
      for (let x = n; x >= 10; x = (x / 10) | 0) digits++;
      let at = this.used + digits;
      this.used = at;
      for (let x = n | 0; digits > 0; digits--, x = (x / 10) | 0) buffer[--at] = 0x30 + (x % 10);
      return;
    }
    this.raw(String(n));
  }

  /** Appends a JSON string literal. */
  str(text: string): void {
    const length = text.length;
    if (length <= SHORT_STRING && this.used + length + 2 <= BUFFER_BYTES) {
      const buffer = this.buffer;
      const mark = this.used;
      let used = mark;
      buffer[used++] = 0x22; // '"'
      let i = 0;
      for (; i < length; i++) {
        const c = text.charCodeAt(i);
        if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) break;
        buffer[used++] = c;
      }
      if (i === length) {
        buffer[used++] = 0x22;
        this.used = used;
        return;
      }
      this.used = mark; // needs escaping or is not ASCII: the general path
    }
    const json = JSON.stringify(text);
    if (this.used + json.length * 3 > BUFFER_BYTES) {
      this.flush();
      if (json.length * 3 > BUFFER_BYTES) {
        writeSync(this.fd!, json);
        return;
      }
    }
    this.used += this.buffer.write(json, this.used, 'utf8');
  }

  /** Writes what is buffered. */
  flush(): void {
    const fd = this.fd;
    if (fd === undefined || this.used === 0) return;
    let offset = 0;
    while (offset < this.used) offset += writeSync(fd, this.buffer, offset, this.used - offset);
    this.used = 0;
  }

  /** Ends the JSON array and closes the file. */
  close(): void {
    if (this.fd === undefined) return;
    if (this.used + 3 > BUFFER_BYTES) this.flush();
    this.raw('\n]\n');
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
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
  private readonly shared: boolean;

  constructor(writer: TraceWriter, runName: string, shared: boolean) {
    this.writer = writer;
    this.shared = shared;
    this.pid = writer.nextPid();
    this.metadata(0, 'process_name', 'name', `run ${this.pid}: ${runName} (asyncio-ts)`);
    this.metadata(0, 'process_sort_index', 'sort_index', this.pid);
  }

  /** Writes the task's row name and its span. */
  task(
    task: Task<unknown>,
    record: TaskRecord,
    state: TaskSpanArgs['state'],
    error: unknown,
    end: number,
  ): void {
    const w = this.writer;
    const id = task.id;
    // `task.name` would build `Task-<id>` for an unnamed task: write that without making the string.
    const given = (task as unknown as { givenName: string | undefined }).givenName;
    if (!w.begin()) return;
    if (given !== undefined) {
      // Rows of unnamed tasks go without a name event: the viewer shows their tid, the task's number.
      w.raw('{"name":"thread_name","ph":"M"');
      this.pidTid(id);
      w.raw(',"args":{"name":');
      w.str(given);
      w.raw('}}');
      w.begin();
    }
    const start = w.us(record.createdAt);
    w.raw('{"name":');
    this.name(given, id);
    w.raw(',"cat":"task","ph":"X","ts":');
    w.int(start);
    w.raw(',"dur":');
    w.int(w.us(end) - start);
    this.pidTid(id);
    w.raw(',"args":{"id":');
    w.int(id);
    w.raw(',"state":"');
    w.raw(state);
    w.raw('"');
    if (record.parentId !== 0) {
      w.raw(',"parent":');
      w.int(record.parentId);
    }
    if (record.creatorId !== 0) {
      w.raw(',"createdBy":');
      w.int(record.creatorId);
    }
    const site = record.site;
    if (site !== undefined) {
      w.raw(',"createdAt":');
      w.str(site);
    }
    if (state === 'rejected') {
      w.raw(',"error":');
      w.str(summarize(error));
    }
    w.raw('}}');
  }

  private name(given: string | undefined, id: number): void {
    const w = this.writer;
    if (given !== undefined) {
      w.str(given);
    } else {
      w.raw('"Task-');
      w.int(id);
      w.raw('"');
    }
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
        this.metadata(tid, 'thread_name', 'name', `${task.name} ∥ ${lane}`);
      }
    }
    const waiter: Waiter<unknown> = wait.waiter;
    // A thread job whose start was seen: its time in the queue, then its run on a thread, as two spans.
    const runStartedAt = (waiter as unknown as { runStartedAt?: unknown }).runStartedAt;
    if (typeof runStartedAt === 'number' && runStartedAt >= wait.since && runStartedAt <= end) {
      this.waitSpan(tid, task.id, waiter, `${waiter.label} (queued)`, wait.since, runStartedAt, outcome);
      this.waitSpan(tid, task.id, waiter, `${waiter.label} (running)`, runStartedAt, end, outcome);
      return;
    }
    this.waitSpan(tid, task.id, waiter, waiter.label, wait.since, end, outcome);
  }

  private waitSpan(
    tid: number,
    taskId: number,
    waiter: Waiter<unknown>,
    label: string,
    since: number,
    end: number,
    outcome: WaitSpanArgs['outcome'],
  ): void {
    const w = this.writer;
    if (!w.begin()) return;
    const start = w.us(since);
    w.raw('{"name":');
    w.str(label);
    w.raw(',"cat":"wait","ph":"X","ts":');
    w.int(start);
    w.raw(',"dur":');
    w.int(w.us(end) - start);
    this.pidTid(tid);
    w.raw(',"args":{"task":');
    w.int(taskId);
    w.raw(',"outcome":"');
    w.raw(outcome);
    w.raw('"');
    // A timed wait's detail is its deadline on the run's clock ("sleep until 7168 ms"), which the span's own
    // length says better: describe only the others (an awaited task's name, a request's URL).
    if (typeof (waiter as unknown as { deadline?: unknown }).deadline !== 'number') {
      const detail = waiter.describe();
      if (detail !== label) {
        w.raw(',"detail":');
        w.str(detail);
      }
    }
    w.raw('}}');
  }

  /** The run ended: a private file is closed, the shared one flushed. */
  end(): void {
    if (this.shared) this.writer.flush();
    else this.writer.close();
  }

  private pidTid(tid: number): void {
    const w = this.writer;
    w.raw(',"pid":');
    w.int(this.pid);
    w.raw(',"tid":');
    w.int(tid);
  }

  /** A metadata event (`"ph": "M"`): names a process or a row. */
  private metadata(tid: number, name: string, key: string, value: string | number): void {
    const w = this.writer;
    if (!w.begin()) return;
    w.raw('{"name":"');
    w.raw(name);
    w.raw('","ph":"M"');
    this.pidTid(tid);
    w.raw(',"args":{"');
    w.raw(key);
    w.raw('":');
    if (typeof value === 'number') w.int(value);
    else w.str(value);
    w.raw('}}');
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
 * <!-- no-run: reads the trace.json of a traced run -->
 * ```ts
 * import { parseTrace, readTraceFile } from 'asyncio-ts/debug';
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
 * <!-- no-run: reads the trace.json of a traced run -->
 * ```ts
 * import { readTraceFile, formatTimeline } from 'asyncio-ts/debug';
 * console.log(formatTimeline(readTraceFile('trace.json')));
 * ```
 */
export function readTraceFile(path: string): TraceEvent[] {
  return parseTrace(readFileSync(path, 'utf8'));
}
