/**
 * `StreamReader`: a byte buffer fed by a socket or pipe, read with `read`, `readline`, `readexactly` and
 * `readuntil` (asyncio.StreamReader). Reads consume the buffer only after their wait is over, synchronously,
 * so a cancelled read never loses a byte: whatever arrived stays for the next read.
 * @module
 */

import type { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { InvalidStateError } from '../core/errors.js';
import { checkInteger, checkOptions, describe } from '../core/validate.js';
import { HOLDS_CLOCK, Waiter } from '../core/waiter.js';
import { type SignalOptions, signalOf } from '../sync/options.js';
import { IncompleteReadError, LimitOverrunError } from './errors.js';

/** The default `limit` of readers: 64 KiB, as asyncio. */
export const DEFAULT_LIMIT = 65_536;

/** Options of a {@link StreamReader}. */
export interface StreamReaderOptions {
  /**
   * The longest line or separator-terminated chunk, in bytes (default 64 KiB). Also the flow-control mark:
   * past it the reader pauses its socket or pipe until reads bring the buffer back under it.
   */
  limit?: number;
}

const EMPTY = Buffer.alloc(0);
const NEWLINE = Buffer.from('\n');

/** What a parked read waits for: any data (then it re-checks), up to `n` bytes, or exactly `n` bytes. */
const WAKE = 0;
const UP_TO = 1;
const EXACTLY = 2;

/**
 * The wait of one read; names the read and the peer for the task tree and traces. `read(n)` and
 * `readexactly(n)` are served straight from `feedData` (one promise, granted the bytes); the other reads are
 * woken to look again. A grant is tentative until the read resumes (DESIGN principle 5): a read cancelled in
 * between, even in the same turn, puts its bytes back at the front of the buffer for the next read.
 */
class DataWaiter extends Waiter<Buffer> {
  private readonly reader: StreamReader;
  readonly want: 0 | 1 | 2;
  readonly n: number;
  constructor(reader: StreamReader, op: string, want: 0 | 1 | 2, n: number) {
    super(op);
    this.reader = reader;
    this.want = want;
    this.n = n;
    // Socket and pipe I/O: the task is not blocked on the clock (a virtual clock must not jump past it).
    this.clockRole = HOLDS_CLOCK;
  }
  override describe(): string {
    return `${this.label} on ${this.reader.peer}`;
  }
  protected override detach(): void {
    this.reader.dropWaiter(this);
  }
  /** Cancelled after the bytes were granted but before the read resumed: they go back to the front. */
  protected override revoke(data: Buffer): void {
    this.reader.unread(data);
  }
}

/** Internal collector of `readAll` (communicate): resolves at EOF with everything, ignoring the limit. */
interface Collector {
  resolve(data: Buffer): void;
  reject(err: unknown): void;
}

/**
 * A buffered reader of bytes. Made by `openConnection`, `startServer` and the subprocess functions; can also
 * be made and fed by hand (`feedData`, `feedEof`) as in asyncio. One task reads at a time.
 *
 * @example
 * <!-- no-run: needs a server on port 8888 -->
 * ```ts
 * import { openConnection } from 'asyncio-ts/streams';
 * const [reader, writer] = await openConnection({ host: '127.0.0.1', port: 8888 });
 * writer.write('ping\n');
 * const line = await reader.readline(); // Buffer 'pong\n'
 * for await (const more of reader) console.log(more.toString());
 * ```
 */
export class StreamReader implements AsyncIterable<Buffer> {
  /** The line and chunk limit in bytes (see {@link StreamReaderOptions.limit}). */
  readonly limit: number;
  /** @internal Who feeds the reader, for wait descriptions: `'127.0.0.1:5000'`, `'stdout of pid 42'`. */
  peer = 'a stream';
  /** @internal Received chunks not yet read; `size` is their total length. */
  private chunks: Buffer[] = [];
  private size = 0;
  private eof = false;
  private error: unknown = undefined;
  /** @internal At most one read waits at a time (asyncio raises the same way for a second reader). */
  private waiter: DataWaiter | undefined = undefined;
  private collector: Collector | undefined = undefined;
  /** @internal The socket or pipe behind the reader, paused past `limit` (flow control). */
  private source: Readable | undefined = undefined;
  private paused = false;

  constructor(options?: StreamReaderOptions) {
    checkOptions(options, 'StreamReader');
    const limit = options?.limit ?? DEFAULT_LIMIT;
    checkInteger(limit, 'options.limit', 'StreamReader', 1);
    this.limit = limit;
  }

  /** @internal Connects a readable source whose data events feed this reader. */
  attach(source: Readable, peer: string): void {
    this.source = source;
    this.peer = peer;
  }

  /** Appends bytes to the buffer and wakes a waiting read (asyncio `feed_data`). */
  feedData(data: Uint8Array | string): void {
    if (this.eof) throw new InvalidStateError('StreamReader.feedData: data after feedEof()');
    const chunk = typeof data === 'string' ? Buffer.from(data) : toBuffer(data);
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.wake();
    const source = this.source;
    if (source !== undefined && !this.paused && this.collector === undefined && this.size > this.limit) {
      this.paused = true;
      source.pause();
    }
  }

  /** Marks the end of the stream: pending and later reads return what is left, then empty (`feed_eof`). */
  feedEof(): void {
    if (this.eof) return;
    this.eof = true;
    const collector = this.collector;
    if (collector !== undefined) {
      this.collector = undefined;
      collector.resolve(this.take(this.size));
    }
    this.wake();
  }

  /** Makes the next read throw `error` (asyncio `set_exception`); a waiting read throws it now. */
  setException(error: unknown): void {
    if (this.error !== undefined) return;
    this.error = error;
    const collector = this.collector;
    if (collector !== undefined) {
      this.collector = undefined;
      collector.reject(error);
    }
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter.fail(error);
    }
  }

  /** The error set by {@link setException} (a reset, a broken pipe), or `undefined`. */
  exception(): unknown {
    return this.error;
  }

  /** True once the stream ended and every byte was read. */
  atEof(): boolean {
    return this.eof && this.size === 0;
  }

  /**
   * Reads up to `n` bytes, waiting until at least one is there; `n = -1` (default) reads until the end.
   * Returns an empty buffer at the end of the stream. A checkpoint.
   *
   * @example
   * ```ts
   * declare const reader: StreamReader;
   * const data = await reader.read(100);
   * const rest = await reader.read(); // everything until EOF
   * ```
   */
  read(n = -1, options?: SignalOptions): Promise<Buffer> {
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      throw new TypeError(`StreamReader.read: n must be an integer, received ${describe(n)}`);
    }
    const signal = this.options(options, 'read');
    const stop = this.stopReason(signal);
    if (stop !== undefined) return Promise.reject(stop);
    if (n < 0) return this.readToEnd(signal);
    if (n === 0) return Promise.resolve(EMPTY);
    if (this.size > 0 || this.eof) return Promise.resolve(this.take(Math.min(n, this.size)));
    return this.waitForData('read', signal, UP_TO, n);
  }

  /** Whole-stream read in blocks, so the buffer (and flow control) stays small meanwhile. */
  private async readToEnd(signal: AbortSignal | undefined): Promise<Buffer> {
    const blocks: Buffer[] = [];
    while (true) {
      if (this.size > 0) blocks.push(this.take(this.size));
      if (this.eof) break;
      await this.waitForData('read', signal);
    }
    return blocks.length === 1 ? (blocks[0] as Buffer) : Buffer.concat(blocks);
  }

  /**
   * Reads one line, `\n` included. At the end of the stream returns the partial last line, then empty
   * buffers. A line longer than `limit` throws {@link LimitOverrunError} and is discarded. A checkpoint.
   *
   * @example
   * ```ts
   * declare const reader: StreamReader;
   * const line = (await reader.readline()).toString('utf8');
   * ```
   */
  readline(options?: SignalOptions): Promise<Buffer> {
    const signal = this.options(options, 'readline');
    const stop = this.stopReason(signal);
    return stop !== undefined ? Promise.reject(stop) : this.readlineInner(signal);
  }

  private async readlineInner(signal: AbortSignal | undefined): Promise<Buffer> {
    try {
      return await this.until(NEWLINE, 'readline', signal);
    } catch (err) {
      if (err instanceof IncompleteReadError) return err.partial;
      if (err instanceof LimitOverrunError) {
        if (this.startsWith(NEWLINE, err.consumed)) this.take(err.consumed + 1);
        else this.take(this.size);
        this.maybeResume();
      }
      throw err;
    }
  }

  /**
   * Reads exactly `n` bytes; throws {@link IncompleteReadError} (with the bytes read as `partial`) if the
   * stream ends first. A checkpoint.
   *
   * @example
   * ```ts
   * declare const reader: StreamReader;
   * const header = await reader.readexactly(4);
   * const body = await reader.readexactly(header.readUInt32BE(0));
   * ```
   */
  readexactly(n: number, options?: SignalOptions): Promise<Buffer> {
    checkInteger(n, 'n', 'StreamReader.readexactly', 0);
    if (n === 0 && options === undefined) return Promise.resolve(EMPTY);
    const signal = this.options(options, 'readexactly');
    const stop = this.stopReason(signal);
    return stop !== undefined ? Promise.reject(stop) : this.readexactlyInner(n, signal);
  }

  private readexactlyInner(n: number, signal: AbortSignal | undefined): Promise<Buffer> {
    if (this.size >= n) return Promise.resolve(this.take(n));
    if (this.eof) return Promise.reject(new IncompleteReadError(this.take(this.size), n));
    return this.waitForData('readexactly', signal, EXACTLY, n);
  }

  /**
   * Reads up to and including `separator` (default `'\n'`). Throws {@link IncompleteReadError} at the end of
   * the stream (the rest is `partial`) and {@link LimitOverrunError} when the separator is not within
   * `limit` bytes (the data stays in the buffer). A checkpoint.
   *
   * @example
   * ```ts
   * declare const reader: StreamReader;
   * const record = await reader.readuntil('\r\n\r\n');
   * ```
   */
  readuntil(separator: Uint8Array | string = NEWLINE, options?: SignalOptions): Promise<Buffer> {
    const sep = typeof separator === 'string' ? Buffer.from(separator) : toBufferChecked(separator);
    if (sep.length === 0) throw new RangeError('StreamReader.readuntil: separator must not be empty');
    const signal = this.options(options, 'readuntil');
    const stop = this.stopReason(signal);
    return stop !== undefined ? Promise.reject(stop) : this.until(sep, 'readuntil', signal);
  }

  /**
   * Yields lines (as `readline`) until the end of the stream.
   *
   * @example
   * ```ts
   * declare const proc: Process; // made with { stdout: 'pipe' }, so proc.stdout is a StreamReader
   * for await (const line of proc.stdout!) console.log(line.toString().trimEnd());
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    while (true) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /** @internal Resolves with every byte until EOF, not bound to any scope (`communicate`). */
  readAll(): Promise<Buffer> {
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.waiter !== undefined || this.collector !== undefined) {
      return Promise.reject(new InvalidStateError(`Another task is already reading from ${this.peer}`));
    }
    if (this.eof) return Promise.resolve(this.take(this.size));
    return new Promise<Buffer>((resolve, reject) => {
      this.collector = { resolve, reject };
      if (this.paused) {
        this.paused = false;
        this.source?.resume();
      }
    });
  }

  /** @internal Puts bytes granted to a read that was cancelled before it resumed back at the front. */
  unread(data: Buffer): void {
    if (data.length === 0) return;
    this.chunks.unshift(data);
    this.size += data.length;
  }

  /** @internal The waiter of a cancelled read leaves; the data it waited for stays in the buffer. */
  dropWaiter(waiter: DataWaiter): void {
    if (this.waiter === waiter) this.waiter = undefined;
  }

  private options(options: SignalOptions | undefined, op: string): AbortSignal | undefined {
    return options === undefined ? undefined : signalOf(options, `StreamReader.${op}`);
  }

  /** The checkpoint every read starts with: why it must not start (cancelled, aborted, failed), if so. */
  private stopReason(signal: AbortSignal | undefined): unknown {
    const scope = storage.getStore();
    if (scope !== undefined && scope.cancelReason !== undefined) return scope.cancelReason;
    if (signal?.aborted) return signal.reason ?? new Error('aborted');
    return this.error;
  }

  private async until(sep: Buffer, op: string, signal: AbortSignal | undefined): Promise<Buffer> {
    const seplen = sep.length;
    let offset = 0;
    let index = -1;
    while (true) {
      if (this.size - offset >= seplen) {
        index = this.flatten().indexOf(sep, offset);
        if (index !== -1) break;
        offset = this.size + 1 - seplen;
        if (offset > this.limit) {
          throw new LimitOverrunError('Separator is not found, and chunk exceed the limit', offset);
        }
      }
      if (this.eof) throw new IncompleteReadError(this.take(this.size), null);
      await this.waitForData(op, signal);
    }
    if (index > this.limit) {
      throw new LimitOverrunError('Separator is found, but chunk is longer than limit', index);
    }
    return this.take(index + seplen);
  }

  private waitForData(
    op: string,
    signal: AbortSignal | undefined,
    want: 0 | 1 | 2 = WAKE,
    n = 0,
  ): Promise<Buffer> {
    if (this.waiter !== undefined || this.collector !== undefined) {
      return Promise.reject(
        new InvalidStateError(`StreamReader.${op}: another task is already reading from ${this.peer}`),
      );
    }
    if (this.paused) {
      // A read needs more than the buffer holds: let data in again (asyncio `_wait_for_data`).
      this.paused = false;
      this.source?.resume();
    }
    // Level-triggered: a scope cancelled while the previous wait was resolving stops the loop here.
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    const waiter = new DataWaiter(this, op, want, n);
    waiter.park(scope, signal);
    this.waiter = waiter;
    return waiter.promise;
  }

  /** Serves or wakes the parked read after new data or the end of the stream. */
  private wake(): void {
    const waiter = this.waiter;
    if (waiter === undefined) return;
    const want = waiter.want;
    if (want === UP_TO) {
      if (this.size === 0 && !this.eof) return;
      this.waiter = undefined;
      waiter.grant(this.take(Math.min(waiter.n, this.size)));
    } else if (want === EXACTLY) {
      if (this.size >= waiter.n) {
        this.waiter = undefined;
        waiter.grant(this.take(waiter.n));
      } else if (this.eof) {
        this.waiter = undefined;
        waiter.fail(new IncompleteReadError(this.take(this.size), waiter.n));
      }
    } else {
      this.waiter = undefined;
      waiter.grant(EMPTY);
    }
  }

  private maybeResume(): void {
    if (this.paused && this.size <= this.limit) {
      this.paused = false;
      this.source?.resume();
    }
  }

  /** Joins the buffered chunks into one (for separator search) and returns it. */
  private flatten(): Buffer {
    const chunks = this.chunks;
    if (chunks.length === 1) return chunks[0] as Buffer;
    const whole = chunks.length === 0 ? EMPTY : Buffer.concat(chunks, this.size);
    this.chunks = whole.length === 0 ? [] : [whole];
    return whole;
  }

  private startsWith(sep: Buffer, at: number): boolean {
    if (this.size < at + sep.length) return false;
    return this.flatten()
      .subarray(at, at + sep.length)
      .equals(sep);
  }

  /** Removes and returns the first `n` bytes of the buffer (`n <= size`). */
  private take(n: number): Buffer {
    if (n === 0) return EMPTY;
    const chunks = this.chunks;
    let result: Buffer;
    const first = chunks[0] as Buffer;
    if (first.length === n) {
      chunks.shift();
      result = first;
    } else if (first.length > n) {
      result = first.subarray(0, n);
      chunks[0] = first.subarray(n);
    } else {
      result = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const chunk = chunks[0] as Buffer;
        const want = n - filled;
        if (chunk.length <= want) {
          chunk.copy(result, filled);
          filled += chunk.length;
          chunks.shift();
        } else {
          chunk.copy(result, filled, 0, want);
          chunks[0] = chunk.subarray(want);
          filled = n;
        }
      }
    }
    this.size -= n;
    this.maybeResume();
    return result;
  }

  /** @internal */
  [inspect.custom](): string {
    const state = this.error !== undefined ? ' exception' : this.eof ? ' eof' : this.paused ? ' paused' : '';
    return `<StreamReader ${this.peer} buffered=${this.size}${state}${this.waiter ? ' waiting' : ''}>`;
  }
}

function toBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function toBufferChecked(data: unknown): Buffer {
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(
      `StreamReader.readuntil: separator must be a string or Uint8Array, received ${describe(data)}`,
    );
  }
  return toBuffer(data);
}
