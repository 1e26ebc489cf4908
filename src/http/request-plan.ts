/**
 * The request pipeline of a `ClientSession`: a {@link RequestPlan} holds what every step of one request needs
 * (its settings, the caller's cancel scope and signal, the session) so the steps take it instead of a row of
 * positional parameters: retries with backoff, then the redirect hops of each attempt (cookies stored and
 * sent per hop), then per hop the permits (host, then session), a rate token, and the exchange on the wire.
 * @module
 */
import type { CancelScope } from '../core/cancel-scope.js';
import type { Clock } from '../core/clock.js';
import type { InvalidStateError } from '../core/errors.js';
import type { Permit } from '../sync/permit.js';
import type { RateLimiter } from '../sync/rate-limiter.js';
import type { Semaphore } from '../sync/semaphore.js';
import { clockOf, sleep } from '../tasks/sleep.js';
import type { ClientResponse, RedirectHop } from './client-response.js';
import type { SessionCookies } from './cookies.js';
import { HttpStatusError, TooManyRedirects } from './errors.js';
import { Exchange, type ExchangeOwner } from './exchange.js';
import type { HostPool } from './host-pool.js';
import { isRedirectStatus, nextHop } from './redirect.js';
import type { Hop } from './request-options.js';
import { backoffDelay, isRetryableError, parseRetryAfter, type RetryPolicy } from './retry.js';
import type { Settings } from './session-options.js';

/** What the pipeline needs of its session. @internal */
export interface SessionCore extends ExchangeOwner {
  readonly open: boolean;
  readonly semaphore: Semaphore | undefined;
  readonly limiter: RateLimiter | undefined;
  readonly cookies: SessionCookies | undefined;
  hostFor(origin: string): HostPool;
  /** The signal for waits on permits, tokens and backoff: the caller's, and the session's close. */
  waitSignal(signal: AbortSignal | undefined): AbortSignal;
  closedError(): InvalidStateError;
}

/** One request from its first hop to the response handed to the caller. @internal */
export class RequestPlan {
  readonly session: SessionCore;
  readonly settings: Settings;
  readonly scope: CancelScope | undefined;
  readonly signal: AbortSignal | undefined;
  readonly clock: Clock;
  /** When the request first went on the wire (after any queueing for permits and tokens), on `clock`. */
  private sentAt = -1;

  constructor(
    session: SessionCore,
    settings: Settings,
    scope: CancelScope | undefined,
    signal: AbortSignal | undefined,
  ) {
    this.session = session;
    this.settings = settings;
    this.scope = scope;
    this.signal = signal;
    this.clock = clockOf(scope);
  }

  /** Runs the request: with retries if the settings have a policy. */
  run(first: Hop): Promise<ClientResponse> {
    if (this.settings.retry === undefined) return this.follow(first, this.settings.raiseForStatus);
    return this.withRetry(first);
  }

  /** Attempts with backoff. A cancelled request is never retried (the cancellation propagates). */
  private async withRetry(first: Hop): Promise<ClientResponse> {
    const { settings } = this;
    const policy = settings.retry as RetryPolicy;
    const retryable = first.replayable && policy.methods.has(first.method);
    for (let attempt = 1; ; attempt++) {
      const last = !retryable || attempt >= policy.attempts;
      let response: ClientResponse;
      try {
        response = await this.follow(first, false);
      } catch (err) {
        if (last || !isRetryableError(err)) throw err;
        await sleep(backoffDelay(policy, attempt), undefined, { signal: this.waitSignal() });
        continue;
      }
      response.attempts = attempt;
      if (last || !policy.statuses.has(response.status)) return finish(response, settings.raiseForStatus);
      const backoff = backoffDelay(policy, attempt);
      const retryAfter = parseRetryAfter(response.headerValue('retry-after'));
      // A server that asks for longer than we are willing to wait gets its answer returned as it is.
      if (retryAfter !== undefined && retryAfter > policy.maxMs)
        return finish(response, settings.raiseForStatus);
      response.release();
      await sleep(Math.max(backoff, retryAfter ?? 0), undefined, { signal: this.waitSignal() });
    }
  }

  /** One attempt: the hops of its redirects, then `raiseForStatus` if `raise`. */
  private async follow(first: Hop, raise: boolean): Promise<ClientResponse> {
    const { settings } = this;
    const cookies = this.session.cookies;
    let hop = first;
    let history: RedirectHop[] | undefined;
    let response: ClientResponse;
    for (;;) {
      // The hop a redirect is computed from stays the one without the jar's cookies.
      response = await this.send(cookies === undefined ? hop : cookies.withCookies(hop));
      if (cookies !== undefined) cookies.store(response.rawHeader('set-cookie'), hop.href);
      const status = response.status;
      if (!settings.followRedirects || !isRedirectStatus(status)) break;
      const location = response.headerValue('location');
      if (location === undefined) break;
      history ??= [];
      if (history.length >= settings.maxRedirects) {
        response.release();
        throw new TooManyRedirects(settings.maxRedirects, [...history.map((h) => h.url), hop.href]);
      }
      let next: Hop | undefined;
      try {
        next = nextHop(hop, status, location, settings.allowInsecure);
      } catch (err) {
        response.release();
        throw err;
      }
      if (next === undefined) break;
      response.release();
      history.push({ status, url: hop.href, headers: response.headers });
      hop = next;
    }
    if (history !== undefined) response.redirectHistory = history;
    response.sentAt = this.sentAt;
    // The caller's task owns the response from here: its end releases a body left on the wire.
    response.adoptBy(this.scope?.task);
    return raise ? finish(response, true) : response;
  }

  /** One hop on the wire: permits (host, then session), a rate token, then the exchange. */
  private send(hop: Hop): Promise<ClientResponse> {
    const session = this.session;
    const host = session.hostFor(hop.origin);
    const hostSemaphore = host.semaphore;
    const sessionSemaphore = session.semaphore;
    const limiter = host.limiter ?? session.limiter;
    const hostPermit = hostSemaphore?.tryAcquire();
    if (hostSemaphore === undefined || hostPermit !== undefined) {
      const sessionPermit = sessionSemaphore?.tryAcquire();
      if (sessionSemaphore === undefined || sessionPermit !== undefined) {
        if (limiter === undefined || limiter.tryAcquire()) {
          return this.exchange(hop, host, hostPermit, sessionPermit);
        }
        return this.sendAfterWaiting(hop, host, hostPermit, sessionPermit, true);
      }
      return this.sendAfterWaiting(hop, host, hostPermit, undefined, false);
    }
    return this.sendAfterWaiting(hop, host, undefined, undefined, false);
  }

  /** The contended path: wait (a checkpoint each) for what `send` could not take at once. */
  private async sendAfterWaiting(
    hop: Hop,
    host: HostPool,
    hostPermit: Permit | undefined,
    sessionPermit: Permit | undefined,
    needToken: boolean,
  ): Promise<ClientResponse> {
    const session = this.session;
    const waitOptions = { signal: this.waitSignal() };
    try {
      if (host.semaphore !== undefined && hostPermit === undefined)
        hostPermit = await host.semaphore.acquire(waitOptions);
      if (session.semaphore !== undefined && sessionPermit === undefined) {
        sessionPermit = await session.semaphore.acquire(waitOptions);
      }
      const limiter = host.limiter ?? session.limiter;
      if (limiter !== undefined && (needToken || !limiter.tryAcquire())) await limiter.acquire(waitOptions);
      if (!session.open) throw session.closedError();
    } catch (err) {
      sessionPermit?.release();
      hostPermit?.release();
      throw err;
    }
    return this.exchange(hop, host, hostPermit, sessionPermit);
  }

  private exchange(
    hop: Hop,
    host: HostPool,
    hostPermit: Permit | undefined,
    sessionPermit: Permit | undefined,
  ): Promise<ClientResponse> {
    const exchange = new Exchange(this.session, host, hop, this, hostPermit, sessionPermit);
    if (this.sentAt < 0) this.sentAt = exchange.startedAt;
    return exchange.start(hop);
  }

  private waitSignal(): AbortSignal {
    return this.session.waitSignal(this.signal);
  }
}

/** The response, or `HttpStatusError` (after releasing it) when `raise` and its status is 400 or more. */
function finish(response: ClientResponse, raise: boolean): ClientResponse {
  if (raise && response.status >= 400) {
    response.release();
    throw new HttpStatusError(response.status, response.statusText, response.method, response.url);
  }
  return response;
}
