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
import type { Clock, TimerEntry } from '../core/clock.js';
import { InvalidStateError } from '../core/errors.js';
import type { Task, TaskObserver } from '../core/task.js';
import { HOLDS_CLOCK, Waiter } from '../core/waiter.js';
import type { Permit } from '../sync/permit.js';
import { type BodyOwner, BodyStream } from './body-stream.js';
import { ClientResponse } from './client-response.js';
import { ClientConnectionError, ClientTimeoutError, translateError } from './errors.js';
import type { HostPool } from './host-pool.js';
import type { Hop } from './request-options.js';
import type { RequestPlan } from './request-plan.js';
import { type ExchangeOwner, wireRequest } from './wire.js';

export { type ExchangeOwner, LiveExchanges } from './wire.js';

import type { ResolvedTimeouts } from './timeouts.js';

// Where the exchange is on the wire.
const CONNECTING = 0; // dispatched, no connection yet
const SENT = 1; // on a connection, waiting for the response headers
const RECEIVING = 2; // headers in, body arriving
const WIRE_DONE = 3; // undici is finished with it (complete, failed or abandoned)
type WireState = 0 | 1 | 2 | 3;

/** A released body is drained (to reuse its connection) only if at most this much is left … */
const DISCARD_LIMIT = 64 * 1024;
/** … and only for this long; otherwise its connection is closed. */
const DISCARD_MS = 1000;
/** The clock may fire an entry up to a millisecond early (see SystemClock). */
const EARLY_MS = 1;

/** Waits for the response headers. A grant not delivered (cancelled in the same turn) releases the response. */
class ResponseWaiter extends Waiter<ClientResponse> {
  private readonly exchange: Exchange;
  constructor(exchange: Exchange, label: string) {
    super(label);
    this.exchange = exchange;
    // Network I/O: the task is not blocked on the clock (a virtual clock must not jump past it).
    this.clockRole = HOLDS_CLOCK;
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

/** @internal */
export class Exchange implements Dispatcher.DispatchHandler, TimerEntry, TaskObserver, BodyOwner {
  readonly method: string;
  /** The URL of this hop, as a string. */
  readonly url: string;
  /** The response, once its headers are in. */
  response: ClientResponse | undefined = undefined;

  /** @internal links in the owner's {@link LiveExchanges}. */
  prev: Exchange | undefined = undefined;
  /** @internal */
  next: Exchange | undefined = undefined;
  /** @internal TaskObserver: ending the task releases the response; it does not retrieve the task's outcome. */
  readonly passive = true;
  /** @internal TimerEntry: the earliest deadline armed on the clock. */
  deadline = Number.POSITIVE_INFINITY;
  /** @internal TimerEntry */
  heapIndex = -1;
  /** When the exchange was made, on the plan's clock (read once per request: `performance.now()` is not free). */
  readonly startedAt: number;

  private wire: WireState = CONNECTING;
  /** Released while incomplete: the rest of the body is dropped to keep the connection, within limits. */
  private discarding = false;
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
  /** The task that received the response with its body still on the wire: released when that task ends. */
  private ownerTask: Task<unknown> | undefined = undefined;

  private readonly maxBytes: number;
  /** The response body, made with the response. */
  private body: BodyStream | undefined = undefined;
  /** Body bytes as they came off the wire. */
  private rawReceived = 0;
  private expectedLength = -1;
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
    const now = (this.startedAt = clock.now());
    this.totalDeadline = now + timeouts.total;
    this.connectDeadline = now + timeouts.connect;
  }

  /** Sends the request; resolves with the response once its headers are in. */
  start(hop: Hop): Promise<ClientResponse> {
    const waiter = new ResponseWaiter(this, `${this.method} ${this.url}`);
    waiter.park(this.plan.scope, this.plan.signal);
    this.responseWaiter = waiter;
    this.owner.live.push(this);
    this.host.waitingForConnection++;
    this.armTimer();
    const { headers, body } = wireRequest(hop, this);
    this.host.pool.dispatch({ path: hop.path, method: this.method, headers, body }, this);
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
    const length = headers['content-length'];
    if (typeof length === 'string') this.expectedLength = Number(length);
    const encoding = headers['content-encoding'];
    const decoded = encoding !== undefined && this.method !== 'HEAD' && status !== 204 && status !== 304;
    const body = new BodyStream(
      this,
      decoded ? String(encoding) : undefined,
      this.maxBytes,
      this.expectedLength,
    );
    this.body = body;
    const response = new ClientResponse(this, body, status, statusText ?? '', headers);
    this.response = response;
    const waiter = this.responseWaiter;
    this.responseWaiter = undefined;
    if (waiter?.pending) waiter.grant(response);
    if (!body.decoding && this.expectedLength > this.maxBytes) this.fail(body.tooLarge(this.expectedLength));
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.wire !== RECEIVING) return;
    this.rawReceived += chunk.length;
    if (this.timeouts.sockRead !== Number.POSITIVE_INFINITY) this.lastRead = this.clock.now();
    if (this.discarding) {
      if (this.rawReceived - this.discardFrom > DISCARD_LIMIT) this.abort(this.releasedError());
      return;
    }
    (this.body as BodyStream).write(chunk);
  }

  onResponseEnd(): void {
    if (this.wire !== RECEIVING) return;
    this.finishWire(false);
    if (!this.discarding && this.error === undefined) (this.body as BodyStream).end();
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

  // ---- BodyOwner -----------------------------------------------------------------------------------------

  /** @internal the body wants the socket paused or resumed. */
  flowChanged(): void {
    this.updateFlow();
  }

  /** @internal the body cannot be delivered. */
  bodyFailed(error: unknown): void {
    this.fail(error);
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
    } else if (this.discarding && now >= this.discardDeadline) {
      this.abort(this.releasedError());
    } else {
      this.armTimer();
    }
  }

  /** Whether the gap between reads is being timed: waiting for the server, not for our reader. */
  private sockReadRunning(): boolean {
    return (
      this.timeouts.sockRead !== Number.POSITIVE_INFINITY &&
      (this.wire === SENT || (this.wire === RECEIVING && this.body?.paused !== true))
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
    if (this.discarding && this.discardDeadline < deadline) deadline = this.discardDeadline;
    if (this.heapIndex >= 0) {
      if (this.deadline === deadline) return;
      this.clock.unschedule(this);
    }
    this.deadline = deadline;
    if (deadline !== Number.POSITIVE_INFINITY) this.clock.schedule(this);
  }

  // ---- called by ClientResponse ------------------------------------------------------------------------

  /**
   * Lets the connection go. A complete body stays readable; an incomplete one is drained in the background
   * (small and quick: the connection is kept) or its connection closed. Never waits.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.dropOwnerTask();
    const body = this.body;
    if (this.wire === WIRE_DONE) {
      // Still decoding, perhaps: nobody will read the rest.
      body?.release(this.releasedError());
      return;
    }
    body?.release(this.releasedError());
    const remaining = this.expectedLength >= 0 ? this.expectedLength - this.rawReceived : 0;
    if (this.wire !== RECEIVING || remaining > DISCARD_LIMIT || this.controller === undefined) {
      this.abort(this.releasedError());
      return;
    }
    this.discarding = true;
    this.discardFrom = this.rawReceived;
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
    this.body?.forgetReader();
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

  /** Pauses or resumes the socket to match the body; restarts the sockRead clock on resume. */
  private updateFlow(): void {
    const controller = this.controller;
    if (controller === undefined || this.wire !== RECEIVING) return;
    if (!this.discarding && this.body?.paused === true) {
      if (!controller.paused) controller.pause();
    } else if (controller.paused) {
      if (this.timeouts.sockRead !== Number.POSITIVE_INFINITY) this.lastRead = this.clock.now();
      this.armTimer();
      controller.resume();
    }
  }

  /** The one failure path: remember `error`, tell whoever waits, stop the wire. */
  private fail(error: unknown): void {
    if (this.error !== undefined || this.body?.complete === true) return;
    this.error = error;
    const responseWaiter = this.responseWaiter;
    if (responseWaiter !== undefined) {
      this.responseWaiter = undefined;
      responseWaiter.fail(error);
    }
    this.body?.fail(error);
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
}
