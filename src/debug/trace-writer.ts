/**
 * The trace file's writer. Tracing must stay cheap where a program is busiest (a burst of cancellations ends
 * thousands of spans in one turn), so recording an event and encoding it are apart: a span or a metadata
 * event is first stored as a fixed-size record in preallocated typed arrays (numbers) and one array of
 * references (strings the caller already has: labels, given names), which allocates nothing per event. The
 * records are encoded as Chrome Trace Event JSON, byte by byte into one write buffer (no string per event),
 * only when the trace is written: when the record log is full, when a run ends and when the file is closed.
 *
 * Memory stays bounded: {@link EVENT_CAPACITY} records (about 2 MiB) and a 1 MiB write buffer, written to the
 * file whenever it fills. A trace cut short (the process was killed) lacks only the closing `]` and the
 * events not yet written, as with any buffered writer; `parseTrace` repairs the missing `]`.
 * @module
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { TaskSpanArgs, WaitSpanArgs } from './trace.js';

/** The write buffer: events are encoded into it and written to the file whenever it is nearly full. */
const BUFFER_BYTES = 1024 * 1024;
/** Records held before they are encoded: a burst of this many span ends costs no encoding. */
const EVENT_CAPACITY = 32 * 1024;
/** Numbers per record: start, end, pid, tid, and two more (task: parent, creator; wait: the task's id). */
const NUMS = 6;
/** References per record: task: given name, creation site, error; wait: label, detail; metadata: name, key, value. */
const REFS = 3;

const KIND_TASK = 0;
const KIND_WAIT = 1;
const KIND_META = 2;

const TASK_STATES: readonly TaskSpanArgs['state'][] = ['fulfilled', 'rejected', 'cancelled'];
const WAIT_OUTCOMES: readonly WaitSpanArgs['outcome'][] = ['resolved', 'rejected', 'cancelled'];

function taskStateCode(state: TaskSpanArgs['state']): number {
  return state === 'fulfilled' ? 0 : state === 'rejected' ? 1 : 2;
}

function waitOutcomeCode(outcome: WaitSpanArgs['outcome']): number {
  return outcome === 'resolved' ? 0 : outcome === 'rejected' ? 1 : 2;
}

/** Room kept free for one event's fixed parts; strings that do not fit trigger a flush of their own. */
const EVENT_ROOM = 1024;
/** Strings up to this length are copied byte by byte (cheaper than a call into `Buffer.write`). */
const SHORT_STRING = 64;

/**
 * Streams trace events to one file: records them compactly, encodes them when written. Timestamps are
 * `performance.now()` readings, written as microseconds since the writer was opened. @internal
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
  /** The record log: kind and state/outcome per record, its numbers, its string references. */
  private readonly codes = new Uint8Array(EVENT_CAPACITY);
  private readonly nums = new Float64Array(EVENT_CAPACITY * NUMS);
  private readonly refs: (string | undefined)[] = new Array<string | undefined>(EVENT_CAPACITY * REFS).fill(
    undefined,
  );
  private count = 0;

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

  /** Records a task's complete span (and, for a named task, its row's name before it). */
  recordTask(
    pid: number,
    id: number,
    given: string | undefined,
    createdAt: number,
    end: number,
    state: TaskSpanArgs['state'],
    parentId: number,
    creatorId: number,
    site: string | undefined,
    error: string | undefined,
  ): void {
    const at = this.slot();
    if (at < 0) return;
    this.codes[at] = (KIND_TASK << 2) | taskStateCode(state);
    const n = at * NUMS;
    const nums = this.nums;
    nums[n] = createdAt;
    nums[n + 1] = end;
    nums[n + 2] = pid;
    nums[n + 3] = id;
    nums[n + 4] = parentId;
    nums[n + 5] = creatorId;
    const r = at * REFS;
    const refs = this.refs;
    refs[r] = given;
    refs[r + 1] = site;
    refs[r + 2] = error;
  }

  /** Records one wait span on row `tid`. `detail` is `describe()` when it adds to the label. */
  recordWait(
    pid: number,
    tid: number,
    taskId: number,
    label: string,
    since: number,
    end: number,
    outcome: WaitSpanArgs['outcome'],
    detail: string | undefined,
  ): void {
    const at = this.slot();
    if (at < 0) return;
    this.codes[at] = (KIND_WAIT << 2) | waitOutcomeCode(outcome);
    const n = at * NUMS;
    const nums = this.nums;
    nums[n] = since;
    nums[n + 1] = end;
    nums[n + 2] = pid;
    nums[n + 3] = tid;
    nums[n + 4] = taskId;
    const r = at * REFS;
    const refs = this.refs;
    refs[r] = label;
    refs[r + 1] = detail;
  }

  /** Records a metadata event (`"ph": "M"`): names a process or a row. `name` and `key` are ASCII. */
  recordMeta(pid: number, tid: number, name: string, key: string, value: string | number): void {
    const at = this.slot();
    if (at < 0) return;
    const n = at * NUMS;
    const r = at * REFS;
    this.nums[n + 2] = pid;
    this.nums[n + 3] = tid;
    this.refs[r] = name;
    this.refs[r + 1] = key;
    if (typeof value === 'number') {
      this.codes[at] = (KIND_META << 2) | 1;
      this.nums[n] = value;
      this.refs[r + 2] = undefined;
    } else {
      this.codes[at] = KIND_META << 2;
      this.refs[r + 2] = value;
    }
  }

  /** The index of a free record, encoding the log first when it is full; -1 once the file is closed. */
  private slot(): number {
    if (this.fd === undefined) return -1;
    if (this.count === EVENT_CAPACITY) this.encodeRecords();
    return this.count++;
  }

  /** Encodes every record into the write buffer (which is written out whenever it fills). */
  private encodeRecords(): void {
    const count = this.count;
    this.count = 0;
    const codes = this.codes;
    const nums = this.nums;
    const refs = this.refs;
    for (let at = 0; at < count; at++) {
      const code = codes[at]!;
      const kind = code >> 2;
      const n = at * NUMS;
      const r = at * REFS;
      if (kind === KIND_TASK) {
        this.encodeTask(nums, n, refs, r, TASK_STATES[code & 3]!);
      } else if (kind === KIND_WAIT) {
        this.encodeWait(nums, n, refs, r, WAIT_OUTCOMES[code & 3]!);
      } else {
        this.encodeMeta(nums, n, refs, r, (code & 3) === 1);
      }
      refs[r] = refs[r + 1] = refs[r + 2] = undefined;
    }
  }

  private encodeTask(
    nums: Float64Array,
    n: number,
    refs: (string | undefined)[],
    r: number,
    state: TaskSpanArgs['state'],
  ): void {
    const pid = nums[n + 2]!;
    const id = nums[n + 3]!;
    const given = refs[r];
    this.begin();
    if (given !== undefined) {
      // Rows of unnamed tasks go without a name event: the viewer shows their tid, the task's number.
      this.raw('{"name":"thread_name","ph":"M"');
      this.pidTid(pid, id);
      this.raw(',"args":{"name":');
      this.str(given);
      this.raw('}}');
      this.begin();
    }
    const start = this.us(nums[n]!);
    this.raw('{"name":');
    if (given !== undefined) {
      this.str(given);
    } else {
      this.raw('"Task-');
      this.int(id);
      this.raw('"');
    }
    this.raw(',"cat":"task","ph":"X","ts":');
    this.int(start);
    this.raw(',"dur":');
    this.int(this.us(nums[n + 1]!) - start);
    this.pidTid(pid, id);
    this.raw(',"args":{"id":');
    this.int(id);
    this.raw(',"state":"');
    this.raw(state);
    this.raw('"');
    const parentId = nums[n + 4]!;
    if (parentId !== 0) {
      this.raw(',"parent":');
      this.int(parentId);
    }
    const creatorId = nums[n + 5]!;
    if (creatorId !== 0) {
      this.raw(',"createdBy":');
      this.int(creatorId);
    }
    const site = refs[r + 1];
    if (site !== undefined) {
      this.raw(',"createdAt":');
      this.str(site);
    }
    const error = refs[r + 2];
    if (error !== undefined) {
      this.raw(',"error":');
      this.str(error);
    }
    this.raw('}}');
  }

  private encodeWait(
    nums: Float64Array,
    n: number,
    refs: (string | undefined)[],
    r: number,
    outcome: WaitSpanArgs['outcome'],
  ): void {
    this.begin();
    const start = this.us(nums[n]!);
    this.raw('{"name":');
    this.str(refs[r]!);
    this.raw(',"cat":"wait","ph":"X","ts":');
    this.int(start);
    this.raw(',"dur":');
    this.int(this.us(nums[n + 1]!) - start);
    this.pidTid(nums[n + 2]!, nums[n + 3]!);
    this.raw(',"args":{"task":');
    this.int(nums[n + 4]!);
    this.raw(',"outcome":"');
    this.raw(outcome);
    this.raw('"');
    const detail = refs[r + 1];
    if (detail !== undefined) {
      this.raw(',"detail":');
      this.str(detail);
    }
    this.raw('}}');
  }

  private encodeMeta(
    nums: Float64Array,
    n: number,
    refs: (string | undefined)[],
    r: number,
    numeric: boolean,
  ): void {
    this.begin();
    this.raw('{"name":"');
    this.raw(refs[r]!);
    this.raw('","ph":"M"');
    this.pidTid(nums[n + 2]!, nums[n + 3]!);
    this.raw(',"args":{"');
    this.raw(refs[r + 1]!);
    this.raw('":');
    if (numeric) this.int(nums[n]!);
    else this.str(refs[r + 2]!);
    this.raw('}}');
  }

  private pidTid(pid: number, tid: number): void {
    this.raw(',"pid":');
    this.int(pid);
    this.raw(',"tid":');
    this.int(tid);
  }

  /** Microseconds since the trace's time zero for a `performance.now()` reading. */
  private us(ms: number): number {
    return Math.round((ms - this.origin) * 1000);
  }

  /** Starts an event: the separator; the caller writes the object. */
  private begin(): void {
    if (this.used + EVENT_ROOM > BUFFER_BYTES) this.writeBuffer();
    const buffer = this.buffer;
    if (this.empty) this.empty = false;
    else buffer[this.used++] = 0x2c; // ','
    buffer[this.used++] = 0x0a; // '\n'
  }

  /** Appends ASCII text as is (the caller's constants: keys, punctuation). */
  private raw(ascii: string): void {
    const buffer = this.buffer;
    let used = this.used;
    for (let i = 0; i < ascii.length; i++) buffer[used++] = ascii.charCodeAt(i);
    this.used = used;
  }

  /** Appends an integer in decimal. */
  private int(n: number): void {
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
  private str(text: string): void {
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
      this.writeBuffer();
      if (json.length * 3 > BUFFER_BYTES) {
        writeSync(this.fd!, json);
        return;
      }
    }
    this.used += this.buffer.write(json, this.used, 'utf8');
  }

  /** Writes the buffer's bytes to the file. */
  private writeBuffer(): void {
    const fd = this.fd;
    if (fd === undefined || this.used === 0) return;
    let offset = 0;
    while (offset < this.used) offset += writeSync(fd, this.buffer, offset, this.used - offset);
    this.used = 0;
  }

  /** Encodes and writes every event recorded so far. */
  flush(): void {
    if (this.fd === undefined) return;
    this.encodeRecords();
    this.writeBuffer();
  }

  /** Writes what is recorded, ends the JSON array and closes the file. */
  close(): void {
    if (this.fd === undefined) return;
    this.encodeRecords();
    if (this.used + 3 > BUFFER_BYTES) this.writeBuffer();
    this.raw('\n]\n');
    this.writeBuffer();
    closeSync(this.fd);
    this.fd = undefined;
  }
}

const sharedWriters = new Map<string, TraceWriter>();

/**
 * The writer for `ASYNCIO_TS_TRACE`: shared by every run of the process, closed when the process exits
 * (each run writes what it recorded when it ends). @internal
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
