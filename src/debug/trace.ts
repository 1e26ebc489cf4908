/**
 * Tracing: task and wait spans written as Chrome Trace Event JSON (the JSON Array Format), which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open. Each run is a process (`pid`), each task a thread (`tid`)
 * named after the task, with one complete (`"ph": "X"`) span for the task and one for each of its waits,
 * nested inside it. A task that waits on two things at once (e.g. `Promise.all` of two sleeps) gets its
 * extra waits on a second row (`name ∥ 1`), because spans on one row must nest.
 *
 * Events are recorded compactly and encoded when written (trace-writer.ts), so memory stays bounded. A trace
 * cut short (the process was killed) lacks only the closing `]`, which both viewers accept and
 * {@link parseTrace} repairs.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Task } from '../core/task.js';
import type { Waiter } from '../core/waiter.js';
import type { TaskRecord, WaitRecord } from './records.js';
import type { TraceWriter } from './trace-writer.js';

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

/** The events of one run in a trace file: hands each span to the writer's record log. @internal */
export class RunTrace {
  readonly writer: TraceWriter;
  readonly pid: number;
  private readonly shared: boolean;

  constructor(writer: TraceWriter, runName: string, shared: boolean) {
    this.writer = writer;
    this.shared = shared;
    this.pid = writer.nextPid();
    writer.recordMeta(this.pid, 0, 'process_name', 'name', `run ${this.pid}: ${runName} (asyncio-ts)`);
    writer.recordMeta(this.pid, 0, 'process_sort_index', 'sort_index', this.pid);
  }

  /** Records the task's span (and its row's name when the task has one). */
  task(
    task: Task<unknown>,
    record: TaskRecord,
    state: TaskSpanArgs['state'],
    error: unknown,
    end: number,
  ): void {
    // `task.name` would build `Task-<id>` for an unnamed task: the writer writes that without the string.
    const given = (task as unknown as { givenName: string | undefined }).givenName;
    this.writer.recordTask(
      this.pid,
      task.id,
      given,
      record.createdAt,
      end,
      state,
      record.parentId,
      record.creatorId,
      record.site,
      state === 'rejected' ? summarize(error) : undefined,
    );
  }

  /** Records one wait span, on the task's row or, for a concurrent wait, on an extra row. */
  wait(wait: WaitRecord, record: TaskRecord, outcome: WaitSpanArgs['outcome'], end: number): void {
    const task = wait.task;
    const lane = wait.lane;
    let tid = task.id;
    if (lane > 0) {
      tid = laneTid(task.id, lane);
      if ((record.namedLanes & (1 << lane)) === 0) {
        record.namedLanes |= 1 << lane;
        this.writer.recordMeta(this.pid, tid, 'thread_name', 'name', `${task.name} ∥ ${lane}`);
      }
    }
    const waiter: Waiter<unknown> = wait.waiter;
    // A timed wait's detail is its deadline on the run's clock ("sleep until 7168 ms"), which the span's own
    // length says better: describe only the others (an awaited task's name, a request's URL), now, while
    // the waiter still says what it waited for.
    const described =
      typeof (waiter as unknown as { deadline?: unknown }).deadline === 'number'
        ? undefined
        : waiter.describe();
    const label = waiter.label;
    // A thread job whose start was seen: its time in the queue, then its run on a thread, as two spans.
    const runStartedAt = (waiter as unknown as { runStartedAt?: unknown }).runStartedAt;
    if (typeof runStartedAt === 'number' && runStartedAt >= wait.since && runStartedAt <= end) {
      this.span(tid, task.id, `${label} (queued)`, wait.since, runStartedAt, outcome, described);
      this.span(tid, task.id, `${label} (running)`, runStartedAt, end, outcome, described);
      return;
    }
    this.span(tid, task.id, label, wait.since, end, outcome, described);
  }

  private span(
    tid: number,
    taskId: number,
    label: string,
    since: number,
    end: number,
    outcome: WaitSpanArgs['outcome'],
    described: string | undefined,
  ): void {
    const detail = described === label ? undefined : described;
    this.writer.recordWait(this.pid, tid, taskId, label, since, end, outcome, detail);
  }

  /** The run ended: a private file is closed, the shared one written out. */
  end(): void {
    if (this.shared) this.writer.flush();
    else this.writer.close();
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
