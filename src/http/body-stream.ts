/**
 * The body of one response as its reader sees it (undici's `BodyReadable`, without a Node stream): decoded
 * chunks kept up to a high-water mark, the decoder in front of them, and the one reader that takes them
 * whole (`text()`, `json()`, `bytes()`) or one by one (`for await`). It tells its {@link BodyOwner} (the
 * exchange, which owns the socket) when it wants the socket paused or resumed, and when it failed.
 * @module
 */
import type { CancelScope } from '../core/cancel-scope.js';
import { cancelledReason } from '../core/cancelled.js';
import { InvalidStateError } from '../core/errors.js';
import { HOLDS_CLOCK, Waiter } from '../core/waiter.js';
import { Decoder, type DecoderSink } from './decoder.js';
import { ClientPayloadError } from './errors.js';

/** What the body needs of the exchange that feeds it. @internal */
export interface BodyOwner {
  readonly method: string;
  readonly url: string;
  /** `paused` changed: pause or resume the socket to match. */
  flowChanged(): void;
  /** The body cannot be delivered (too large, bad encoding): fail the whole exchange with `error`. */
  bodyFailed(error: unknown): void;
  /** A reader waiting for data was cancelled: abort the request. */
  cancelledWhileWaiting(): void;
}

// What the reader of the body is doing.
const BUFFER = 0; // nobody reads yet: keep up to HIGH_WATER bytes, then pause the socket
const COLLECT = 1; // text()/json()/arrayBuffer(): take everything
const STREAM = 2; // `for await (const chunk of res.body)`: keep up to HIGH_WATER bytes
type ReadMode = 0 | 1 | 2;

/** Bytes buffered for a reader that is not keeping up before the socket is paused. */
const HIGH_WATER = 64 * 1024;
/**
 * A body chunk is a view on the socket's read buffer (64 KiB). Keeping a small view alive (a response kept
 * after its body was read) would keep the whole buffer: chunks up to this size are copied out.
 */
const SMALL_CHUNK = 16 * 1024;

/**
 * A body read whole with a declared length up to this size is copied into one buffer as it arrives: each
 * chunk is copied while still in cache and its socket buffer freed at once, instead of keeping every chunk
 * until the end and concatenating them (undici's way). A larger declared length is not reserved up front:
 * a server's `Content-Length` alone must not make us hold more than this per response before bytes arrive.
 */
const PREALLOCATE_LIMIT = 8 * 1024 * 1024;

/**
 * A copy of `chunk` that does not pin the socket's buffer. `allocUnsafe` takes a copy under 4 KiB from Node's
 * shared 8 KiB pool (so a kept response pins at most that slab): a 42-byte copy measured ~80 ns against ~300 ns
 * for a buffer of its own (`allocUnsafeSlow`), Node 24.
 */
function detach(chunk: Buffer): Buffer {
  const copy = Buffer.allocUnsafe(chunk.length);
  chunk.copy(copy);
  return copy;
}

/** Waits for body data (or its end). */
class BodyWaiter extends Waiter<void> {
  private readonly owner: BodyOwner;
  constructor(owner: BodyOwner, label: string) {
    super(label);
    this.owner = owner;
    // Network I/O: the task is not blocked on the clock (a virtual clock must not jump past it).
    this.clockRole = HOLDS_CLOCK;
  }
  override describe(): string {
    return `${this.label} (reading the body)`;
  }
  protected override detach(): void {
    this.owner.cancelledWhileWaiting();
  }
}

/** @internal */
export class BodyStream implements DecoderSink {
  /** The decoder wants no more input for now, or the reader is behind: the socket should pause. */
  pausedByReader = false;
  pausedByDecoder = false;
  /** Every byte of the body has arrived (and been decoded). */
  complete = false;
  /** Body bytes after decoding (what `maxResponseBytes` counts). */
  received = 0;

  private readonly owner: BodyOwner;
  private readonly maxBytes: number;
  private readonly encoding: string | undefined;
  /** The declared length on the wire (`Content-Length`), -1 if none. */
  private readonly length: number;
  private decoder: Decoder | undefined;
  private mode: ReadMode = BUFFER;
  private chunks: Buffer[] = [];
  /** Reading whole with a declared length: the body is copied in here as it arrives (see PREALLOCATE_LIMIT). */
  private target: Buffer | undefined = undefined;
  private filled = 0;
  private chunkHead = 0;
  private buffered = 0;
  private waiter: BodyWaiter | undefined = undefined;
  /** The whole body, once collected (text() twice returns the same). */
  private whole: Buffer | undefined = undefined;
  private streamed = false;
  private released = false;
  /** The error every read gets from now on; set once. */
  private error: unknown = undefined;

  constructor(owner: BodyOwner, encoding: string | undefined, maxBytes: number, length: number) {
    this.owner = owner;
    this.maxBytes = maxBytes;
    this.encoding = encoding;
    this.length = length;
    this.decoder = encoding === undefined ? undefined : Decoder.for(encoding, this);
  }

  /** Whether the socket should be paused for this body. */
  get paused(): boolean {
    return this.pausedByReader || this.pausedByDecoder;
  }

  /** Whether bytes are decoded before counting (a declared length says nothing about the decoded size). */
  get decoding(): boolean {
    return this.decoder !== undefined;
  }

  // ---- fed by the exchange ---------------------------------------------------------------------------------

  /** A raw chunk off the wire. */
  write(chunk: Buffer): void {
    const decoder = this.decoder;
    if (decoder === undefined) this.onDecoded(chunk);
    else if (!decoder.write(chunk) && !this.pausedByDecoder) {
      this.pausedByDecoder = true;
      this.owner.flowChanged();
    }
  }

  /** The wire is done: the body completes once the decoder has flushed. */
  end(): void {
    if (this.error !== undefined || this.released) return;
    const decoder = this.decoder;
    if (decoder === undefined) this.finish();
    else decoder.end();
  }

  /** The exchange failed: every read gets `error` from now on. */
  fail(error: unknown): void {
    if (this.error !== undefined || this.complete) return;
    this.error = error;
    this.dropData();
    this.failReader(error);
  }

  /** The response was released: an incomplete body is dropped, its reader fails with `error`. */
  release(error: unknown): void {
    if (this.released) return;
    this.released = true;
    if (this.complete || this.error !== undefined) return;
    this.dropData();
    this.pausedByReader = this.pausedByDecoder = false;
    this.failReader(error);
  }

  // ---- DecoderSink -------------------------------------------------------------------------------------------

  /** A decoded chunk of body. */
  onDecoded(chunk: Buffer): void {
    if (this.error !== undefined || this.released) return;
    const received = (this.received += chunk.length);
    if (received > this.maxBytes) {
      this.owner.bodyFailed(this.tooLarge(received));
      return;
    }
    const target = this.target;
    if (target !== undefined) {
      const filled = this.filled;
      if (filled + chunk.length <= target.length) {
        chunk.copy(target, filled);
        this.filled = filled + chunk.length;
        return;
      }
      // More than declared (HTTP/1.1 framing does not let this happen; kept correct anyway): back to chunks.
      this.target = undefined;
      this.chunks.push(target.subarray(0, filled));
      this.buffered += filled;
    }
    this.chunks.push(
      chunk.length <= SMALL_CHUNK && chunk.buffer.byteLength > 2 * chunk.length ? detach(chunk) : chunk,
    );
    this.buffered += chunk.length;
    if (this.mode === COLLECT) return;
    if (this.mode === STREAM) this.wakeReader();
    if (this.buffered > HIGH_WATER && !this.pausedByReader) {
      this.pausedByReader = true;
      this.decoder?.pause();
      this.owner.flowChanged();
    }
  }

  onDecodedEnd(): void {
    if (this.error === undefined && !this.released) this.finish();
  }

  onDecodeError(err: Error): void {
    const { method, url } = this.owner;
    this.owner.bodyFailed(
      new ClientPayloadError(
        `Cannot decode the body of ${method} ${url} (content-encoding: ${this.encoding}): ${err.message}`,
        { cause: err },
      ),
    );
  }

  onDecoderDrain(): void {
    if (!this.pausedByDecoder) return;
    this.pausedByDecoder = false;
    this.owner.flowChanged();
  }

  /** The error for a declared or counted size over `maxResponseBytes`. */
  tooLarge(bytes: number): ClientPayloadError {
    const { method, url } = this.owner;
    return new ClientPayloadError(
      `The body of ${method} ${url} exceeds maxResponseBytes (${this.maxBytes} bytes; ${bytes} so far${this.decoder === undefined ? '' : ', decoded'})`,
    );
  }

  // ---- read by ClientResponse --------------------------------------------------------------------------------

  /** The whole body if it is here and may be read now (the common case: small bodies), else undefined. */
  ifReady(scope: CancelScope | undefined): Buffer | undefined {
    if (cancelledReason(scope) !== undefined) return undefined;
    const whole = this.whole;
    if (whole !== undefined) return whole;
    if (!this.complete || this.refusal(true) !== undefined) return undefined;
    return this.collect();
  }

  /** The whole body, decoded. A checkpoint for the caller (its scope is passed in). */
  readAll(scope: CancelScope | undefined): Promise<Buffer> {
    const cancelled = cancelledReason(scope);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    const whole = this.whole;
    if (whole !== undefined) return Promise.resolve(whole);
    const refusal = this.refusal(true);
    if (refusal !== undefined) return Promise.reject(refusal);
    if (this.complete) return Promise.resolve(this.collect());
    this.mode = COLLECT;
    if (this.decoder === undefined && this.length > this.buffered && this.length <= PREALLOCATE_LIMIT) {
      this.preallocate(this.length);
    }
    this.unpauseReader();
    return this.waitForData(scope).then(() => {
      const error = this.error;
      if (error !== undefined) throw error;
      return this.collect();
    });
  }

  /** The next decoded chunk, or the end. A checkpoint for the caller. */
  next(scope: CancelScope | undefined): Promise<IteratorResult<Uint8Array>> {
    const cancelled = cancelledReason(scope);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    const refusal = this.refusal(false);
    if (refusal !== undefined) return Promise.reject(refusal);
    this.mode = STREAM;
    this.streamed = true;
    const ready = this.takeChunk();
    if (ready !== undefined) return Promise.resolve(ready);
    return this.waitForData(scope).then(() => {
      const error = this.error;
      if (error !== undefined) throw error;
      return this.takeChunk() ?? { value: undefined, done: true };
    });
  }

  // ---- internals -------------------------------------------------------------------------------------------

  private refusal(collecting: boolean): unknown {
    const error = this.error;
    if (error !== undefined) return error;
    const { method, url } = this.owner;
    if (this.released && !this.complete) {
      return new InvalidStateError(`The response of ${method} ${url} was released before its body was read`);
    }
    if (collecting && this.streamed) {
      return new InvalidStateError(`The body of ${method} ${url} is being read as a stream`);
    }
    if (!collecting && (this.mode === COLLECT || this.whole !== undefined)) {
      return new InvalidStateError(`The body of ${method} ${url} was already read whole`);
    }
    if (this.waiter !== undefined) {
      return new InvalidStateError(`The body of ${method} ${url} is already being read`);
    }
    return undefined;
  }

  private finish(): void {
    this.complete = true;
    this.decoder = undefined;
    this.wakeReader();
  }

  private dropData(): void {
    this.decoder?.destroy();
    this.decoder = undefined;
    this.target = undefined;
    this.chunks = [];
    this.chunkHead = 0;
    this.buffered = 0;
  }

  private waitForData(scope: CancelScope | undefined): Promise<void> {
    const { method, url } = this.owner;
    const waiter = new BodyWaiter(this.owner, `${method} ${url}`);
    waiter.park(scope, undefined);
    this.waiter = waiter;
    return waiter.promise;
  }

  /** A waiting reader was cancelled (the exchange aborts): forget it. */
  forgetReader(): void {
    this.waiter = undefined;
  }

  private wakeReader(): void {
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter.resolve();
    }
  }

  private failReader(error: unknown): void {
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter.fail(error);
    }
  }

  private takeChunk(): IteratorResult<Uint8Array> | undefined {
    const chunks = this.chunks;
    if (this.chunkHead < chunks.length) {
      const chunk = chunks[this.chunkHead] as Buffer;
      chunks[this.chunkHead++] = undefined as unknown as Buffer;
      if (this.chunkHead === chunks.length) {
        this.chunks = [];
        this.chunkHead = 0;
      }
      this.buffered -= chunk.length;
      if (this.pausedByReader && this.buffered < HIGH_WATER / 2) this.unpauseReader();
      return { value: chunk, done: false };
    }
    if (this.complete) return { value: undefined, done: true };
    return undefined;
  }

  /** Starts copying the body into one buffer of the declared `length`, with what is buffered so far. */
  private preallocate(length: number): void {
    const target = Buffer.allocUnsafe(length);
    let filled = 0;
    const chunks = this.chunks;
    for (let i = this.chunkHead; i < chunks.length; i++) {
      const chunk = chunks[i] as Buffer;
      chunk.copy(target, filled);
      filled += chunk.length;
    }
    this.target = target;
    this.filled = filled;
    this.chunks = [];
    this.chunkHead = 0;
    this.buffered = 0;
  }

  private collect(): Buffer {
    let whole = this.whole;
    const target = this.target;
    if (whole === undefined && target !== undefined) {
      this.target = undefined;
      whole = this.filled === target.length ? target : target.subarray(0, this.filled);
      this.whole = whole;
    }
    if (whole === undefined) {
      const chunks = this.chunkHead === 0 ? this.chunks : this.chunks.slice(this.chunkHead);
      whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.buffered);
      this.whole = whole;
      this.chunks = [];
      this.chunkHead = 0;
      this.buffered = 0;
    }
    return whole;
  }

  private unpauseReader(): void {
    if (!this.pausedByReader) return;
    this.pausedByReader = false;
    this.decoder?.resume();
    this.owner.flowChanged();
  }
}
