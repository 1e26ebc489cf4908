/**
 * `StreamWriter`: writes to a socket or pipe with `drain()` as the backpressure point (asyncio.StreamWriter).
 * @module
 */

import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { InvalidStateError } from '../core/errors.js';
import { describe } from '../core/validate.js';
import { HOLDS_CLOCK, Waiter, WaiterQueue } from '../core/waiter.js';
import { type SignalOptions, signalOf } from '../sync/options.js';
import { ConnectionResetError } from './errors.js';
import type { StreamReader } from './stream-reader.js';

/** A TCP endpoint: what `getExtraInfo('peername')` returns for a TCP connection. */
export interface PeerAddress {
  address: string;
  family: string;
  port: number;
}

/** A wait in `drain()` or `waitClosed()`, named after the peer. */
class WriterWaiter extends Waiter<void> {
  private readonly peer: string;
  constructor(label: string, peer: string) {
    super(label);
    this.peer = peer;
    this.clockRole = HOLDS_CLOCK;
  }
  override describe(): string {
    return `${this.label} on ${this.peer}`;
  }
}

/**
 * The writing half of a connection or a child's stdin. `write` buffers and never waits; `await drain()`
 * waits while the buffer is above the socket's high-water mark, so a fast writer cannot outrun a slow peer.
 *
 * @example
 * <!-- no-run: needs a server on port 8888 -->
 * ```ts
 * import { openConnection } from 'asyncio-ts/streams';
 * const [reader, writer] = await openConnection({ host: '127.0.0.1', port: 8888 });
 * writer.write('Hello World!\n');
 * await writer.drain();
 * writer.close();
 * await writer.waitClosed();
 * ```
 */
export class StreamWriter implements AsyncDisposable {
  /** @internal */
  private readonly stream: Writable;
  /** The reader of the same connection, if any. */
  readonly reader: StreamReader | undefined;
  /** @internal The peer's name for messages and wait descriptions. */
  readonly peer: string;
  private closing = false;
  private ended = false;
  private closed = false;
  private error: unknown = undefined;
  private readonly drainWaiters = new WaiterQueue<WriterWaiter>();
  private readonly closeWaiters = new WaiterQueue<WriterWaiter>();
  /** Resolves when the stream has closed; never rejects (clean-up awaits it in cancelled scopes). */
  private readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;

  /** @internal */
  constructor(stream: Writable, peer: string, reader?: StreamReader) {
    this.stream = stream;
    this.peer = peer;
    this.reader = reader;
    this.closedPromise = new Promise<void>((resolve) => {
      this.resolveClosed = resolve;
    });
    stream.on('drain', () => this.wakeDrain(undefined));
  }

  /** @internal The stream failed (reset, broken pipe): later `drain()` calls throw `error`. */
  setError(error: unknown): void {
    if (this.error === undefined) this.error = error;
    this.wakeDrain(error);
  }

  /** @internal The stream closed. */
  setClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.wakeDrain(this.error ?? new ConnectionResetError(`Connection to ${this.peer} lost`));
    for (let w = this.closeWaiters.shift(); w !== undefined; w = this.closeWaiters.shift()) w.resolve();
    this.resolveClosed();
  }

  /**
   * Buffers `data` (a string is sent as UTF-8) for sending. Never waits: call {@link drain} to respect
   * backpressure. Throws `InvalidStateError` after `close()` or `writeEof()`.
   */
  write(data: Uint8Array | string): void {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
      throw new TypeError(
        `StreamWriter.write: data must be a string or Uint8Array, received ${describe(data)}`,
      );
    }
    if (this.closing || this.ended) {
      throw new InvalidStateError(
        `StreamWriter.write: the stream to ${this.peer} is ${this.ended ? 'ended (writeEof)' : 'closing'}`,
      );
    }
    // A failed stream swallows writes; the stored error surfaces at the next drain().
    if (this.error !== undefined || this.stream.destroyed) return;
    this.stream.write(data);
  }

  /** Writes each item of `lines` in order (no separators are added), in one batch. */
  writelines(lines: Iterable<Uint8Array | string>): void {
    const socket = this.stream as Partial<Socket>;
    socket.cork?.();
    try {
      for (const line of lines) this.write(line);
    } finally {
      socket.uncork?.();
    }
  }

  /**
   * Waits until the write buffer is below the high-water mark. Throws the connection's error
   * (`ConnectionResetError`, …) if it failed or closed. A checkpoint.
   */
  drain(options?: SignalOptions): Promise<void> {
    const signal = options === undefined ? undefined : signalOf(options, 'StreamWriter.drain');
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.closed || (this.stream.destroyed && !this.closing)) {
      return Promise.reject(new ConnectionResetError(`Connection to ${this.peer} lost`));
    }
    if (!this.stream.writableNeedDrain) return Promise.resolve();
    const waiter = new WriterWaiter('drain', this.peer);
    waiter.park(scope, signal);
    this.drainWaiters.push(waiter);
    return waiter.promise;
  }

  /**
   * Details of the connection, as asyncio's `get_extra_info`: `'peername'` and `'sockname'` give
   * `{ address, family, port }` for TCP, the path for a Unix socket, `undefined` for a pipe.
   *
   * @example
   * ```ts
   * declare const writer: StreamWriter;
   * const peer = writer.getExtraInfo('peername'); // { address: '127.0.0.1', family: 'IPv4', port: 50412 }
   * ```
   */
  getExtraInfo(name: 'peername' | 'sockname'): PeerAddress | string | undefined {
    if (name !== 'peername' && name !== 'sockname') {
      throw new RangeError(
        `StreamWriter.getExtraInfo: name must be 'peername' or 'sockname', received ${describe(name)}`,
      );
    }
    const socket = this.stream as Partial<Socket>;
    if (name === 'peername') {
      if (socket.remoteAddress !== undefined && socket.remotePort !== undefined) {
        return { address: socket.remoteAddress, family: socket.remoteFamily ?? '', port: socket.remotePort };
      }
    } else if (typeof socket.address === 'function') {
      const local = socket.address();
      if (typeof local === 'object' && local !== null && 'port' in local) {
        return { address: local.address, family: local.family, port: local.port };
      }
    }
    return this.peer.startsWith('/') ? this.peer : undefined;
  }

  /** True: streams of sockets and pipes can send an end-of-file. */
  canWriteEof(): boolean {
    return true;
  }

  /** Sends end-of-file after the buffered data (half-close); reading goes on. */
  writeEof(): void {
    if (this.ended || this.closing) return;
    this.ended = true;
    this.stream.end();
  }

  /** True once `close()` was called or the stream closed. */
  isClosing(): boolean {
    return this.closing;
  }

  /** Flushes buffered data, then closes the stream (both directions of a socket). Never waits. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    const socket = this.stream as Partial<Socket>;
    if (typeof socket.destroySoon === 'function') socket.destroySoon();
    else if (!this.ended) this.stream.end();
    this.ended = true;
  }

  /** @internal Closes at once, dropping buffered data (server shutdown, failed handshake). */
  abort(): void {
    this.closing = this.ended = true;
    this.stream.destroy();
  }

  /** Waits until the stream has closed (after {@link close} or the peer's). A checkpoint. */
  waitClosed(options?: SignalOptions): Promise<void> {
    const signal = options === undefined ? undefined : signalOf(options, 'StreamWriter.waitClosed');
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    if (this.closed) return Promise.resolve();
    const waiter = new WriterWaiter('waitClosed', this.peer);
    waiter.park(scope, signal);
    this.closeWaiters.push(waiter);
    return waiter.promise;
  }

  /** @internal Resolves when closed; not a checkpoint. */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  /** `close()` and wait until closed; runs to the end even in a cancelled scope (clean-up). */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.closedPromise;
  }

  private wakeDrain(error: unknown): void {
    const waiters = this.drainWaiters;
    for (let w = waiters.shift(); w !== undefined; w = waiters.shift()) {
      if (error === undefined) w.resolve();
      else w.fail(error);
    }
  }

  /** @internal */
  [inspect.custom](): string {
    const state = this.closed ? 'closed' : this.closing ? 'closing' : this.ended ? 'eof-sent' : 'open';
    return `<StreamWriter ${this.peer} ${state} buffered=${this.stream.writableLength}>`;
  }
}
