/**
 * One HTTP request and its response on the wire: the engine under `ClientResponse`.
 *
 * An Exchange is at once the undici dispatch handler (no `Readable` stream, no per-request closure), the
 * timer entry of its three timeouts on the run's clock (one heap entry, re-armed lazily), and the owner of
 * the permits the request holds. Waiting for the response, and for body data, goes through waiters parked in
 * the caller's cancel scope, so a cancel aborts the request in any phase: while connecting (a connection
 * opened for nobody else is destroyed), waiting for the headers, or reading the body (the socket is
 * destroyed; a complete response has already returned its socket to the pool).
 * @module
 */
import type { Dispatcher } from 'undici';
import type { CancelScope } from '../core/cancel-scope.js';
import type { Clock, TimerEntry } from '../core/clock.js';
import { InvalidStateError } from '../core/errors.js';
import type { Task, TaskObserver } from '../core/task.js';
import { Waiter } from '../core/waiter.js';
import type { Permit } from '../sync/permit.js';
import { ClientResponse } from './client-response.js';
import { Decoder, type DecoderSink } from './decoder.js';
import { ClientConnectionError, ClientPayloadError, ClientTimeoutError, translateError } from './errors.js';
import type { HostPool } from './host-pool.js';
import type { Hop } from './request-options.js';
import type { RequestPlan } from './request-plan.js';
import type { ResolvedTimeouts } from './timeouts.js';

// Where the exchange is on the wire.
const CONNECTING = 0; // dispatched, no connection yet
const SENT = 1; // on a connection, waiting for the response headers
const RECEIVING = 2; // headers in, body arriving
const WIRE_DONE = 3; // undici is finished with it (complete, failed or abandoned)
type WireState = 0 | 1 | 2 | 3;

// What the reader of the body is doing.
const BUFFER = 0; // nobody reads yet: keep up to HIGH_WATER bytes, then pause the socket
const COLLECT = 1; // text()/json()/arrayBuffer(): take everything
const STREAM = 2; // `for await (const chunk of res.body)`: keep up to HIGH_WATER bytes
const DISCARD = 3; // released while incomplete: drop the rest to keep the connection, within limits
type ReadMode = 0 | 1 | 2 | 3;

/** Bytes buffered for a reader that is not keeping up before the socket is paused. */
const HIGH_WATER = 64 * 1024;
/** A released body is drained (to reuse its connection) only if at most this much is left … */
const DISCARD_LIMIT = 64 * 1024;
/** … and only for this long; otherwise its connection is closed. */
const DISCARD_MS = 1000;
/** The clock may fire an entry up to a millisecond early (see SystemClock). */
const EARLY_MS = 1;
/**
 * A body chunk is a view on the socket's read buffer (64 KiB). Keeping a small view alive (a response kept
 * after its body was read) would keep the whole buffer: chunks up to this size are copied out.
 */
const SMALL_CHUNK = 16 * 1024;

/** A copy of `chunk` in memory of its own. */
function detach(chunk: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(chunk.length);
  chunk.copy(copy);
  return copy;
}

/** A request body stream that records its own failure on `exchange`, so it is reported as itself. */
async function* guardBody(
  source: AsyncIterable<Uint8Array | string>,
  exchange: Exchange,
): AsyncGenerator<Uint8Array | string> {
  try {
    yield* source;
  } catch (error) {
    exchange.bodyFailure = { error };
    throw error;
  }
}

/** The bookkeeping a session keeps of its exchanges. @internal */
export interface ExchangeOwner {
  /** Exchanges with something on the wire, to abort when the session closes. */
  readonly live: LiveExchanges;
}

/**
 * The exchanges of a session that have something on the wire: an intrusive list (O(1) add and remove, no
 * allocation). A `Set` was measured to cost a lot here: with thousands of short-lived exchanges a second,
 * its table kept them reachable long enough to be promoted to the old generation (a major GC every few
 * thousand requests). @internal
 */
export class LiveExchanges implements Iterable<Exchange> {
  head: Exchange | undefined = undefined;
  size = 0;

  add(exchange: Exchange): void {
    const head = this.head;
    exchange.liveNext = head;
    exchange.livePrev = undefined;
    if (head !== undefined) head.livePrev = exchange;
    this.head = exchange;
    this.size++;
  }

  remove(exchange: Exchange): void {
    const prev = exchange.livePrev;
    const next = exchange.liveNext;
    if (prev !== undefined) prev.liveNext = next;
    else if (this.head === exchange) this.head = next;
    else return;
    if (next !== undefined) next.livePrev = prev;
    exchange.livePrev = exchange.liveNext = undefined;
    this.size--;
  }

  *[Symbol.iterator](): Iterator<Exchange> {
    for (let exchange = this.head; exchange !== undefined; ) {
      const next = exchange.liveNext;
      yield exchange;
      exchange = next;
    }
  }
}

/** Waits for the response headers. A grant not delivered (cancelled in the same turn) releases the response. */
class ResponseWaiter extends Waiter<ClientResponse> {
  private readonly exchange: Exchange;
  constructor(exchange: Exchange, label: string) {
    super(label);
    this.exchange = exchange;
    // Network I/O: the task is not blocked on the clock (a virtual clock must not jump past it).
    this.holdsClock = true;
  }
  override describe(): string {
    return `${this.label} (${this.exchange.phaseName()})`;
  }
  protected override detach(): void {
    this.exchange.cancelledWhileWaiting();
  }
  protected override revoke(response: ClientResponse): void {
    response.release();
  }
}

/** Waits for body data (or its end). */
class BodyWaiter extends Waiter<void> {
  private readonly exchange: Exchange;
  constructor(exchange: Exchange, label: string) {
    super(label);
    this.exchange = exchange;
    this.holdsClock = true;
  }
  override describe(): string {
    return `${this.label} (reading the body)`;
  }
  protected override detach(): void {
    this.exchange.cancelledWhileWaiting();
  }
}

/** @internal */
export class Exchange implements Dispatcher.DispatchHandler, TimerEntry, TaskObserver, DecoderSink {
  readonly method: string;
  /** The URL of this hop, as a string. */
  readonly url: string;
  /** The response, once its headers are in. */
  response: ClientResponse | undefined = undefined;

  /** @internal links in the owner's {@link LiveExchanges}. */
  livePrev: Exchange | undefined = undefined;
  /** @internal */
  liveNext: Exchange | undefined = undefined;
  /** @internal TaskObserver: ending the task releases the response; it does not retrieve the task's outcome. */
  readonly passive = true;
  /** @internal TimerEntry: the earliest deadline armed on the clock. */
  deadline = Number.POSITIVE_INFINITY;
  /** @internal TimerEntry */
  heapIndex = -1;

  private wire: WireState = CONNECTING;
  private mode: ReadMode = BUFFER;
  private readonly owner: ExchangeOwner;
  private readonly plan: RequestPlan;
  private readonly host: HostPool;
  private hostPermit: Permit | undefined;
  private sessionPermit: Permit | undefined;
  private controller: Dispatcher.DispatchController | undefined = undefined;
  /** Why the exchange was abandoned before undici gave it a connection: passed on when it does. */
  private pendingAbort: Error | undefined = undefined;

  private readonly clock: Clock;
  private readonly timeouts: ResolvedTimeouts;
  private readonly totalDeadline: number;
  private readonly connectDeadline: number;
  /** When data last came in (only kept when `timeouts.sockRead` is finite). */
  private lastRead = 0;
  private discardDeadline = Number.POSITIVE_INFINITY;
  /** Raw bytes received when the discarding began. */
  private discardFrom = 0;

  private responseWaiter: ResponseWaiter | undefined = undefined;
  private bodyWaiter: BodyWaiter | undefined = undefined;
  /** The task that received the response with its body still on the wire: released when that task ends. */
  private ownerTask: Task<unknown> | undefined = undefined;

  private readonly maxBytes: number;
  private decoder: Decoder | undefined = undefined;
  private chunks: Buffer[] = [];
  private chunkHead = 0;
  private buffered = 0;
  /** Body bytes after decoding (what `maxResponseBytes` counts). */
  private received = 0;
  /** Body bytes as they came off the wire. */
  private rawReceived = 0;
  private expectedLength = -1;
  private pausedByReader = false;
  private pausedByDecoder = false;
  /** The whole body, once collected (text() twice returns the same). */
  private whole: Buffer | undefined = undefined;
  private bodyComplete = false;
  private streamed = false;
  private released = false;
  /** The error every read gets from now on; set once. */
  private error: unknown = undefined;
  /** @internal what the request body stream threw, if it did (boxed: anything can be thrown). */
  bodyFailure: { error: unknown } | undefined = undefined;

  constructor(
    owner: ExchangeOwner,
    host: HostPool,
    hop: Hop,
    plan: RequestPlan,
    hostPermit: Permit | undefined,
    sessionPermit: Permit | undefined,
  ) {
    this.owner = owner;
    this.host = host;
    this.plan = plan;
    this.method = hop.method;
    this.url = hop.href;
    const clock = (this.clock = plan.clock);
    const timeouts = (this.timeouts = plan.settings.timeouts);
    this.maxBytes = plan.settings.maxBytes;
    this.hostPermit = hostPermit;
    this.sessionPermit = sessionPermit;
    const now = clock.now();
    this.totalDeadline = now + timeouts.total;
    this.connectDeadline = now + timeouts.connect;
  }

  /** Sends the request; resolves with the response once its headers are in. */
  start(hop: Hop): Promise<ClientResponse> {
    const waiter = new ResponseWaiter(this, `${this.method} ${this.url}`);
    waiter.park(this.plan.scope, this.plan.signal);
    this.responseWaiter = waiter;
    this.owner.live.add(this);
    this.host.waitingForConnection++;
    this.armTimer();
    let headers = hop.headers;
    // undici sends async iterables and Blobs too (its typings list fewer).
    let body = hop.body as unknown as Dispatcher.DispatchOptions['body'];
    if (typeof FormData !== 'undefined' && hop.body instanceof FormData) {
      // Encoded per hop: each encoding has its own multipart boundary, named in the content type.
      const encoded = new Response(hop.body);
      headers = Object.assign(Object.create(null) as Record<string, string>, headers);
      headers['content-type'] = encoded.headers.get('content-type') as string;
      body = encoded.body as unknown as Dispatcher.DispatchOptions['body'];
    } else if (!hop.replayable && hop.body !== null) {
      body = guardBody(
        hop.body as AsyncIterable<Uint8Array | string>,
        this,
      ) as unknown as Dispatcher.DispatchOptions['body'];
    }
    this.host.pool.dispatch({ path: hop.path, method: this.method, headers, body: body ?? null }, this);
    return waiter.promise;
  }

  /** The task that holds the response: if it ends with the body still on the wire, the response is released. */
  adoptBy(task: Task<unknown> | undefined): void {
    if (task === undefined || this.wire === WIRE_DONE || this.ownerTask !== undefined) return;
    this.ownerTask = task;
    task.addCallback(this, 0);
  }

  /** For the task tree: where the exchange is. */
  phaseName(): string {
    switch (this.wire) {
      case CONNECTING:
        return 'connecting';
      case SENT:
        return 'waiting for the response';
      case RECEIVING:
        return 'receiving the body';
      default:
        return 'done';
    }
  }

  // ---- undici's dispatch handler -------------------------------------------------------------------------

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.wire === WIRE_DONE) {
      controller.abort(this.pendingAbort ?? new InvalidStateError('The request was abandoned'));
      return;
    }
    this.controller = controller;
    if (this.wire === CONNECTING) {
      this.wire = SENT;
      this.host.connectionWaitEnded(false);
      if (this.timeouts.sockRead !== Number.POSITIVE_INFINITY) this.lastRead = this.clock.now();
      this.armTimer();
    }
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: Record<string, string | string[] | undefined>,
    statusText?: string,
  ): void {
    // 1xx informational responses come before the real one.
    if (status < 200 || this.wire !== SENT) return;
    this.controller = controller;
    this.wire = RECEIVING;
    if (this.timeouts.sockRead !== Number.POSITIVE_INFINITY) this.lastRead = this.clock.now();
    const response = new ClientResponse(this, status, statusText ?? '', headers);
    this.response = response;
    const length = headers['content-length'];
    if (typeof length === 'string') this.expectedLength = Number(length);
    const encoding = headers['content-encoding'];
    if (encoding !== undefined && this.method !== 'HEAD' && status !== 204 && status !== 304) {
      this.decoder = Decoder.for(String(encoding), this);
    }
    const waiter = this.responseWaiter;
    this.responseWaiter = undefined;
    if (waiter?.pending) waiter.grant(response);
    if (this.decoder === undefined && this.expectedLength > this.maxBytes) {
      this.fail(this.tooLarge(this.expectedLength));
    }
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.wire !== RECEIVING) return;
    this.rawReceived += chunk.length;
    if (this.timeouts.sockRead !== Number.POSITIVE_INFINITY) this.lastRead = this.clock.now();
    if (this.mode === DISCARD) {
      if (this.rawReceived - this.discardFrom > DISCARD_LIMIT) this.abort(this.releasedError());
      return;
    }
    const decoder = this.decoder;
    if (decoder === undefined) this.accept(chunk);
    else if (!decoder.write(chunk) && !this.pausedByDecoder) {
      this.pausedByDecoder = true;
      this.updateFlow();
    }
  }

  onResponseEnd(): void {
    if (this.wire !== RECEIVING) return;
    this.finishWire(false);
    if (this.mode === DISCARD || this.error !== undefined) return;
    const decoder = this.decoder;
    if (decoder === undefined) this.completeBody();
    else decoder.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    const wire = this.wire;
    if (wire === WIRE_DONE) return;
    this.finishWire(false);
    // The caller's own body stream failed: its error, not a connection failure.
    if (this.bodyFailure !== undefined) {
      this.fail(this.bodyFailure.error);
      return;
    }
    this.fail(
      translateError(
        err,
        wire === CONNECTING ? 'connect' : wire === SENT ? 'headers' : 'body',
        this.method,
        this.url,
      ),
    );
  }

  // ---- decoder sink --------------------------------------------------------------------------------------

  onDecoded(chunk: Buffer): void {
    this.accept(chunk);
  }

  onDecodedEnd(): void {
    if (this.error === undefined && this.mode !== DISCARD) this.completeBody();
  }

  onDecodeError(err: Error): void {
    this.fail(
      new ClientPayloadError(
        `Cannot decode the body of ${this.method} ${this.url} (${this.decoderName()}): ${err.message}`,
        {
          cause: err,
        },
      ),
    );
  }

  onDecoderDrain(): void {
    if (!this.pausedByDecoder) return;
    this.pausedByDecoder = false;
    this.updateFlow();
  }

  // ---- timers --------------------------------------------------------------------------------------------

  /** @internal TimerEntry: a deadline passed (or a lazily moved one did not, and the timer is re-armed). */
  onTimer(): void {
    if (this.wire === WIRE_DONE) return;
    const now = this.clock.now() + EARLY_MS;
    const timeouts = this.timeouts;
    if (now >= this.totalDeadline) {
      this.fail(new ClientTimeoutError('total', timeouts.total, this.url));
    } else if (this.wire === CONNECTING && now >= this.connectDeadline) {
      this.fail(new ClientTimeoutError('connect', timeouts.connect, this.url));
    } else if (this.sockReadRunning() && now >= this.lastRead + timeouts.sockRead) {
      this.fail(new ClientTimeoutError('sockRead', timeouts.sockRead, this.url));
    } else if (this.mode === DISCARD && now >= this.discardDeadline) {
      this.abort(this.releasedError());
    } else {
      this.armTimer();
    }
  }

  /** Whether the gap between reads is being timed: waiting for the server, not for our reader. */
  private sockReadRunning(): boolean {
    return (
      this.timeouts.sockRead !== Number.POSITIVE_INFINITY &&
      (this.wire === SENT || (this.wire === RECEIVING && !this.pausedByReader && !this.pausedByDecoder))
    );
  }

  /**
   * Arms the clock for the earliest deadline that applies now. The sockRead deadline moves with every chunk
   * without re-arming: the entry fires at the old time, sees that nothing expired, and re-arms here.
   */
  private armTimer(): void {
    if (this.wire === WIRE_DONE) return;
    let deadline = this.totalDeadline;
    if (this.wire === CONNECTING) {
      if (this.connectDeadline < deadline) deadline = this.connectDeadline;
    } else if (this.sockReadRunning()) {
      const readDeadline = this.lastRead + this.timeouts.sockRead;
      if (readDeadline < deadline) deadline = readDeadline;
    }
    if (this.mode === DISCARD && this.discardDeadline < deadline) deadline = this.discardDeadline;
    if (this.heapIndex >= 0) {
      if (this.deadline === deadline) return;
      this.clock.unschedule(this);
    }
    this.deadline = deadline;
    if (deadline !== Number.POSITIVE_INFINITY) this.clock.schedule(this);
  }

  // ---- reading (called by ClientResponse) ----------------------------------------------------------------

  /** The whole body if it is here and may be read now (the common case: small bodies), else undefined. */
  bodyIfReady(scope: CancelScope | undefined): Buffer | undefined {
    if (scope !== undefined && scope.cancelReason !== undefined) return undefined;
    const whole = this.whole;
    if (whole !== undefined) return whole;
    if (!this.bodyComplete || this.readRefusal(true) !== undefined) return undefined;
    return this.collect();
  }

  /** The whole body, decoded. A checkpoint for the caller (its scope is passed in). */
  readAll(scope: CancelScope | undefined): Promise<Buffer> {
    if (scope !== undefined && scope.cancelReason !== undefined) return Promise.reject(scope.cancelReason);
    const whole = this.whole;
    if (whole !== undefined) return Promise.resolve(whole);
    const refusal = this.readRefusal(true);
    if (refusal !== undefined) return Promise.reject(refusal);
    if (this.bodyComplete) return Promise.resolve(this.collect());
    this.mode = COLLECT;
    this.unpauseReader();
    return this.waitForData(scope).then(() => {
      const error = this.error;
      if (error !== undefined) throw error;
      return this.collect();
    });
  }

  /** The next decoded chunk, or the end. A checkpoint for the caller. */
  next(scope: CancelScope | undefined): Promise<IteratorResult<Uint8Array>> {
    if (scope !== undefined && scope.cancelReason !== undefined) return Promise.reject(scope.cancelReason);
    const refusal = this.readRefusal(false);
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

  /**
   * Lets the connection go. A complete body stays readable; an incomplete one is drained in the background
   * (small and quick: the connection is kept) or its connection closed. Never waits.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.dropOwnerTask();
    if (this.wire === WIRE_DONE) {
      if (!this.bodyComplete && this.error === undefined) {
        // Still decoding: nobody will read the rest.
        this.decoder?.destroy();
        this.decoder = undefined;
        this.failReaders(this.releasedError());
      }
      return;
    }
    this.failReaders(this.releasedError());
    const remaining = this.expectedLength >= 0 ? this.expectedLength - this.rawReceived : 0;
    if (this.wire !== RECEIVING || remaining > DISCARD_LIMIT || this.controller === undefined) {
      this.abort(this.releasedError());
      return;
    }
    this.mode = DISCARD;
    this.discardFrom = this.rawReceived;
    this.decoder?.destroy();
    this.decoder = undefined;
    this.chunks = [];
    this.chunkHead = 0;
    this.buffered = 0;
    this.pausedByReader = this.pausedByDecoder = false;
    this.discardDeadline = this.clock.now() + DISCARD_MS;
    this.updateFlow();
    this.armTimer();
  }

  /** @internal TaskObserver: the task that held the response ended. */
  onTaskDone(): void {
    this.ownerTask = undefined;
    this.release();
  }

  /** @internal A waiter of this exchange was cancelled (scope or signal): abort the request. */
  cancelledWhileWaiting(): void {
    this.responseWaiter = undefined;
    this.bodyWaiter = undefined;
    this.fail(new ClientConnectionError(`${this.method} ${this.url} was cancelled`));
  }

  /** Aborts from outside (the session closes). */
  abort(reason: Error): void {
    if (this.wire === WIRE_DONE) return;
    const controller = this.controller;
    if (controller !== undefined) {
      // undici calls onResponseError(reason) synchronously, which finishes the wire and fails the readers.
      controller.abort(reason);
      if ((this.wire as WireState) !== WIRE_DONE) {
        this.finishWire(false);
        this.fail(reason);
      }
      return;
    }
    // Still queued for a connection: undici aborts it when it gets one (onRequestStart).
    this.pendingAbort = reason;
    this.finishWire(true);
    this.fail(reason);
  }

  // ---- internals -----------------------------------------------------------------------------------------

  private readRefusal(collecting: boolean): unknown {
    const error = this.error;
    if (error !== undefined) return error;
    if (this.released && !this.bodyComplete) return this.releasedError();
    if (collecting && this.streamed) {
      return new InvalidStateError(`The body of ${this.method} ${this.url} is being read as a stream`);
    }
    if (!collecting && (this.mode === COLLECT || this.whole !== undefined)) {
      return new InvalidStateError(`The body of ${this.method} ${this.url} was already read whole`);
    }
    if (this.bodyWaiter !== undefined) {
      return new InvalidStateError(`The body of ${this.method} ${this.url} is already being read`);
    }
    return undefined;
  }

  private waitForData(scope: CancelScope | undefined): Promise<void> {
    const waiter = new BodyWaiter(this, `${this.method} ${this.url}`);
    waiter.park(scope, undefined);
    this.bodyWaiter = waiter;
    return waiter.promise;
  }

  private wakeReader(): void {
    const waiter = this.bodyWaiter;
    if (waiter !== undefined) {
      this.bodyWaiter = undefined;
      waiter.resolve();
    }
  }

  private failReaders(error: unknown): void {
    const waiter = this.bodyWaiter;
    if (waiter !== undefined) {
      this.bodyWaiter = undefined;
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
    if (this.bodyComplete) return { value: undefined, done: true };
    return undefined;
  }

  private collect(): Buffer {
    let whole = this.whole;
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

  /** A decoded chunk of body. */
  private accept(chunk: Buffer): void {
    if (this.error !== undefined || this.mode === DISCARD) return;
    const received = (this.received += chunk.length);
    if (received > this.maxBytes) {
      this.fail(this.tooLarge(received));
      return;
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
      this.updateFlow();
    }
  }

  private unpauseReader(): void {
    if (!this.pausedByReader) return;
    this.pausedByReader = false;
    this.decoder?.resume();
    this.updateFlow();
  }

  /** Pauses or resumes the socket to match the reader and the decoder; restarts the sockRead clock on resume. */
  private updateFlow(): void {
    const controller = this.controller;
    if (controller === undefined || this.wire !== RECEIVING) return;
    if (this.pausedByReader || this.pausedByDecoder) {
      if (!controller.paused) controller.pause();
    } else if (controller.paused) {
      if (this.timeouts.sockRead !== Number.POSITIVE_INFINITY) this.lastRead = this.clock.now();
      this.armTimer();
      controller.resume();
    }
  }

  private completeBody(): void {
    this.bodyComplete = true;
    this.decoder = undefined;
    this.wakeReader();
  }

  /** The one failure path: remember `error`, tell whoever waits, stop the wire. */
  private fail(error: unknown): void {
    if (this.error !== undefined || this.bodyComplete) return;
    this.error = error;
    const responseWaiter = this.responseWaiter;
    if (responseWaiter !== undefined) {
      this.responseWaiter = undefined;
      responseWaiter.fail(error);
    }
    this.decoder?.destroy();
    this.decoder = undefined;
    this.chunks = [];
    this.chunkHead = 0;
    this.buffered = 0;
    this.failReaders(error);
    if (this.wire !== WIRE_DONE) this.abort(error instanceof Error ? error : new Error(String(error)));
  }

  /** undici is done with the request: give back the permits, the timer and the session's list entry. */
  private finishWire(abandoned: boolean): void {
    const wire = this.wire;
    if (wire === WIRE_DONE) return;
    this.wire = WIRE_DONE;
    if (this.heapIndex >= 0) this.clock.unschedule(this);
    if (wire === CONNECTING) this.host.connectionWaitEnded(abandoned);
    const hostPermit = this.hostPermit;
    if (hostPermit !== undefined) {
      this.hostPermit = undefined;
      hostPermit.release();
    }
    const sessionPermit = this.sessionPermit;
    if (sessionPermit !== undefined) {
      this.sessionPermit = undefined;
      sessionPermit.release();
    }
    this.owner.live.remove(this);
    this.dropOwnerTask();
  }

  private dropOwnerTask(): void {
    const task = this.ownerTask;
    if (task !== undefined) {
      this.ownerTask = undefined;
      task.removeCallback(this);
    }
  }

  private releasedError(): InvalidStateError {
    return new InvalidStateError(
      `The response of ${this.method} ${this.url} was released before its body was read`,
    );
  }

  private tooLarge(bytes: number): ClientPayloadError {
    return new ClientPayloadError(
      `The body of ${this.method} ${this.url} exceeds maxResponseBytes (${this.maxBytes} bytes; ${bytes} so far${this.decoder === undefined ? '' : ', decoded'})`,
    );
  }

  private decoderName(): string {
    const encoding = this.response?.headerValue('content-encoding');
    return encoding === undefined ? 'unknown encoding' : `content-encoding: ${encoding}`;
  }
}
