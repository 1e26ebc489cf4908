/**
 * One origin of a session: its undici `Pool` (keep-alive connections), its `limitPerHost` semaphore and
 * per-host rate limiter, and the sockets being opened for it, so that a connection attempt left with no
 * request to serve (all were cancelled or timed out) is destroyed at once instead of lingering.
 * @module
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { buildConnector as BuildConnector, Pool as UndiciPool } from 'undici';
import type { RateLimiter } from '../sync/rate-limiter.js';
import type { Semaphore } from '../sync/semaphore.js';
import { ClientConnectionError } from './errors.js';

/**
 * undici's `Pool` and connector, loaded from their own modules: undici's index also loads fetch, WebSocket,
 * caches and mocks, which tripled the start-up of a short program (measured: ~380 ms for the index against
 * ~60 ms for these two, Node 20, a busy 2-core machine). Both are public classes of undici 7; should a
 * future layout move them, the index is loaded instead.
 */
const { Pool, buildConnector } = loadUndici();
type Pool = UndiciPool;

function loadUndici(): { Pool: typeof UndiciPool; buildConnector: typeof BuildConnector } {
  const require = createRequire(import.meta.url);
  try {
    return {
      Pool: require('undici/lib/dispatcher/pool.js') as typeof UndiciPool,
      buildConnector: require('undici/lib/core/connect.js') as typeof BuildConnector,
    };
  } catch {
    return require('undici') as { Pool: typeof UndiciPool; buildConnector: typeof BuildConnector };
  }
}

/** Pool settings shared by every origin of a session. @internal */
export interface PoolSettings {
  /** Connections per origin (`limitPerHost`), or null for as many as requests need. */
  readonly connections: number | null;
  /** Idle keep-alive time of a connection, in milliseconds. */
  readonly keepAliveTimeout: number;
}

/** @internal */
export class HostPool {
  readonly origin: string;
  readonly pool: Pool;
  readonly semaphore: Semaphore | undefined;
  readonly limiter: RateLimiter | undefined;
  /** Our requests dispatched to the pool that have no connection yet. */
  waitingForConnection = 0;
  /** Sockets being opened (TCP connect or TLS handshake in progress). */
  private readonly connecting = new Set<Socket>();

  constructor(
    origin: string,
    settings: PoolSettings,
    semaphore: Semaphore | undefined,
    limiter: RateLimiter | undefined,
  ) {
    this.origin = origin;
    this.semaphore = semaphore;
    this.limiter = limiter;
    // Our own timers bound connect, headers and body (on the run's clock): undici's are turned off.
    const connector = buildConnector({ timeout: 0 }) as unknown as ConnectorReturningSocket;
    this.pool = new Pool(origin, {
      connections: settings.connections,
      keepAliveTimeout: settings.keepAliveTimeout,
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: (options, callback) => this.connect(connector, options, callback),
    });
  }

  /**
   * Opens a socket for the pool, unless none of our requests waits for one. undici reconnects for the
   * request at the head of a connection that was aborted (its queue still holds it, marked aborted) and
   * only then drops it: that connection would serve nobody, so it is refused before it is opened.
   */
  private connect(
    connector: ConnectorReturningSocket,
    options: BuildConnector.Options,
    callback: BuildConnector.Callback,
  ): void {
    if (this.waitingForConnection === 0) {
      queueMicrotask(() => callback(abandonedError(), null));
      return;
    }
    const connecting = this.connecting;
    const socket = connector(options, (err, connected) => {
      connecting.delete(socket);
      if (err === null) callback(null, connected as Socket);
      else callback(err, null);
    });
    connecting.add(socket);
  }

  /**
   * One of our requests stopped waiting for a connection (it got one, failed, or was cancelled). When none
   * is left and `abandoned`, the sockets still being opened serve nobody: destroy them.
   */
  connectionWaitEnded(abandoned: boolean): void {
    this.waitingForConnection--;
    if (abandoned && this.waitingForConnection === 0 && this.connecting.size > 0) {
      // With an error, so that undici's connect callback runs and the pool fails the abandoned requests.
      for (const socket of this.connecting) socket.destroy(abandonedError());
      this.connecting.clear();
    }
  }

  /** Closes every connection at once (requests still running fail). */
  destroy(): Promise<void> {
    for (const socket of this.connecting) socket.destroy(abandonedError());
    this.connecting.clear();
    return this.pool.destroy();
  }
}

/** undici's connector does return the socket it opens (its typings say void). */
type ConnectorReturningSocket = (
  options: BuildConnector.Options,
  callback: (...args: [null, Socket] | [Error, null]) => void,
) => Socket;

// One of our classes (ERR_CLIENT_CONNECTION), so translateError passes it through unchanged.
function abandonedError(): Error {
  return new ClientConnectionError('Connection attempt abandoned: no request is waiting for it');
}
