/**
 * `startServer`, `startUnixServer` and `Server` (asyncio's `start_server`/`start_unix_server`). Each
 * connection's handler runs as a task of the server; closing the server cancels the handlers, closes their
 * connections, and `waitClosed()` resolves after their `finally` blocks have run.
 * @module
 */

import { lstatSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { inspect } from 'node:util';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { isCancellation } from '../core/errors.js';
import { createTask, type Task } from '../core/task.js';
import { checkFunction, checkInteger, checkOptions, describe } from '../core/validate.js';
import { HOLDS_CLOCK, Waiter, WaiterQueue } from '../core/waiter.js';
import { type SignalOptions, signalOf } from '../sync/options.js';
import { translateStreamError } from './errors.js';
import type { StreamReader } from './stream-reader.js';
import type { StreamWriter } from './stream-writer.js';
import { wireSocket } from './wire.js';

/** What a server runs for each connection. */
export type ConnectionHandler = (reader: StreamReader, writer: StreamWriter) => Promise<void> | void;

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Address to listen on (default `'127.0.0.1'`; `'::'` or `'0.0.0.0'` for every interface). */
  host?: string;
  /** Port to listen on; `0` (the default) picks a free one, see {@link Server.address}. */
  port?: number;
  /** `node:tls` server options (`key`, `cert`, …) to serve TLS. */
  tls?: tls.TlsOptions;
  /** The readers' line limit and flow-control mark in bytes (default 64 KiB). */
  limit?: number;
  /** Length of the queue of pending connections. */
  backlog?: number;
}

/** Options of {@link startUnixServer}. */
export interface StartUnixServerOptions {
  /** The readers' line limit and flow-control mark in bytes (default 64 KiB). */
  limit?: number;
  /** Length of the queue of pending connections. */
  backlog?: number;
}

/** Where a server listens: the bound TCP address, or a Unix socket's path. */
export type ServerAddress = { address: string; family: string; port: number } | string;

/** A wait for the server to close (`waitClosed`, `serveForever`). */
class ServerWaiter extends Waiter<void> {
  private readonly server: Server;
  constructor(label: string, server: Server) {
    super(label);
    this.server = server;
    this.clockRole = HOLDS_CLOCK;
  }
  override describe(): string {
    return `${this.label} on ${formatAddress(this.server.address)}`;
  }
}

/**
 * A listening server. `close()` stops accepting, cancels every handler task and closes its connection;
 * `await using` does that and waits.
 *
 * @example
 * <!-- no-run: serves until the program is stopped -->
 * ```ts
 * import { startServer } from 'asyncio-ts/streams';
 * await using server = await startServer(async (reader, writer) => {
 *   for await (const line of reader) writer.write(line);
 * }, { host: '127.0.0.1', port: 8888 });
 * await server.serveForever();
 * ```
 */
export class Server implements AsyncDisposable {
  /** The bound address: `{ address, family, port }` for TCP (read the port chosen for `port: 0`), or the path. */
  readonly address: ServerAddress;
  /** @internal */
  private readonly server: net.Server;
  private readonly handlers = new Set<Task<void>>();
  private readonly writers = new Set<StreamWriter>();
  private closing = false;
  private listenerClosed = false;
  private readonly waiters = new WaiterQueue<ServerWaiter>();
  private readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;
  private readonly unixPath: string | undefined;
  /** Every accepted TCP socket, TLS handshakes still under way included (they have no handler yet). */
  private readonly rawSockets = new Set<net.Socket>();

  /** @internal */
  constructor(server: net.Server, address: ServerAddress, unixPath: string | undefined) {
    this.server = server;
    server.on('connection', (socket: net.Socket) => {
      this.rawSockets.add(socket);
      socket.once('close', () => this.rawSockets.delete(socket));
    });
    this.address = address;
    this.unixPath = unixPath;
    this.closedPromise = new Promise<void>((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  /** @internal Starts the handler task of a new connection. */
  accept(socket: net.Socket, handler: ConnectionHandler, limit: number | undefined): void {
    const peer =
      typeof this.address === 'string' ? `${this.address}` : `${socket.remoteAddress}:${socket.remotePort}`;
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (socket instanceof net.Socket && !(socket instanceof tls.TLSSocket)) socket.setNoDelay(true);
    const [reader, writer] = wireSocket(socket, peer, limit);
    this.writers.add(writer);
    const task = createTask(async () => handler(reader, writer), { name: `handler ${peer}` });
    this.handlers.add(task);
    task.addDoneCallback(() => {
      this.handlers.delete(task);
      // Cancelled by close(): drop what is buffered; finished on its own: flush, then close.
      if (this.closing || task.cancelled()) writer.abort();
      else writer.close();
      void writer.whenClosed().then(() => {
        this.writers.delete(writer);
        this.maybeClosed();
      });
      if (!task.cancelled()) {
        const error = task.exception();
        if (error !== undefined && error !== null && !isCancellation(error)) reportHandlerError(peer, error);
      }
    });
  }

  /** True while the server accepts connections. */
  isServing(): boolean {
    return !this.closing;
  }

  /** Stops accepting connections, cancels every handler and closes its connection. Never waits. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.server.close(() => {
      this.listenerClosed = true;
      this.maybeClosed();
    });
    for (const task of this.handlers) task.cancel('the server is closing');
    if (this.handlers.size === 0) for (const writer of this.writers) writer.abort();
    this.maybeClosed();
  }

  /**
   * Waits until the server is closed: the listener, every handler (their `finally` blocks ran) and every
   * connection. A checkpoint.
   */
  waitClosed(options?: SignalOptions): Promise<void> {
    return this.park('waitClosed', options);
  }

  /**
   * Serves until the server is closed; cancelled, it closes the server and waits for that first (asyncio).
   *
   * @example
   * ```ts
   * declare const handle: ConnectionHandler;
   * const server = await startServer(handle, { port: 8888 });
   * await server.serveForever(); // until the task is cancelled, e.g. by Ctrl-C under run()
   * ```
   */
  serveForever(options?: SignalOptions): Promise<void> {
    return this.park('serveForever', options).catch(async (err: unknown) => {
      this.close();
      await this.closedPromise;
      throw err;
    });
  }

  /** `close()` and wait until closed; runs to the end even in a cancelled scope (clean-up). */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.closedPromise;
  }

  private park(label: string, options: SignalOptions | undefined): Promise<void> {
    const signal = options === undefined ? undefined : signalOf(options, `Server.${label}`);
    const scope = storage.getStore();
    const cancelled = cancelledReason(scope, signal);
    if (cancelled !== undefined) return Promise.reject(cancelled);
    if (this.closing && this.isClosed()) return Promise.resolve();
    const waiter = new ServerWaiter(label, this);
    waiter.park(scope, signal);
    this.waiters.push(waiter);
    return waiter.promise;
  }

  private isClosed(): boolean {
    return this.listenerClosed && this.handlers.size === 0 && this.writers.size === 0;
  }

  private maybeClosed(): void {
    if (!this.closing || this.handlers.size > 0 || this.writers.size > 0) return;
    if (!this.listenerClosed) {
      // Only sockets without a handler are left (a TLS handshake under way): the listener waits for them.
      for (const socket of this.rawSockets) socket.destroy();
      return;
    }
    if (this.unixPath !== undefined) removeSocketFile(this.unixPath);
    for (let w = this.waiters.shift(); w !== undefined; w = this.waiters.shift()) w.resolve();
    this.resolveClosed();
  }

  /** @internal */
  [inspect.custom](): string {
    return `<Server ${formatAddress(this.address)} ${this.closing ? 'closing' : 'serving'} handlers=${this.handlers.size}>`;
  }
}

/**
 * Starts a TCP (or TLS) server that runs `handler(reader, writer)` as a task for each connection. When the
 * handler returns, its connection is flushed and closed. A handler's error is reported as a process warning
 * (asyncio logs it) and closes only that connection.
 *
 * @example
 * <!-- no-run: serves until the program is stopped -->
 * ```ts
 * import { startServer } from 'asyncio-ts/streams';
 * const server = await startServer(async (reader, writer) => {
 *   const data = await reader.read(100);
 *   writer.write(data);
 *   await writer.drain();
 * }, { host: '127.0.0.1', port: 0 });
 * console.log(server.address); // { address: '127.0.0.1', family: 'IPv4', port: 40123 }
 * ```
 */
export function startServer(handler: ConnectionHandler, options?: StartServerOptions): Promise<Server> {
  const where = 'startServer';
  checkFunction(handler, 'handler', where);
  checkOptions(options, where);
  const host = options?.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.length === 0) {
    throw new TypeError(`${where}: options.host must be a non-empty string, received ${describe(host)}`);
  }
  const port = options?.port ?? 0;
  checkInteger(port, 'options.port', where, 0);
  if (port > 65_535) throw new RangeError(`${where}: options.port must be <= 65535, received ${port}`);
  const tlsOptions = options?.tls;
  if (tlsOptions !== undefined && (typeof tlsOptions !== 'object' || tlsOptions === null)) {
    throw new TypeError(`${where}: options.tls must be tls server options, received ${describe(tlsOptions)}`);
  }
  const limit = checkLimit(options?.limit, where);
  const backlog = options?.backlog;
  if (backlog !== undefined) checkInteger(backlog, 'options.backlog', where, 0);
  let server: Server | undefined;
  const onSocket = (socket: net.Socket): void => server?.accept(socket, handler, limit);
  const netServer =
    tlsOptions === undefined
      ? net.createServer({ allowHalfOpen: true }, onSocket)
      : tls.createServer(tlsOptions, onSocket);
  return listen(netServer, { host, port, backlog }, `${host}:${port}`, undefined, (address) => {
    server = new Server(netServer, address, undefined);
    return server;
  });
}

/**
 * Starts a server on the Unix domain socket `path` (a stale socket file there is replaced; the file is
 * removed when the server closes).
 *
 * @example
 * <!-- no-run: serves until the program is stopped -->
 * ```ts
 * import { startUnixServer } from 'asyncio-ts/streams';
 * const server = await startUnixServer(async (reader, writer) => writer.write(await reader.readline()), '/tmp/echo.sock');
 * ```
 */
export function startUnixServer(
  handler: ConnectionHandler,
  path: string,
  options?: StartUnixServerOptions,
): Promise<Server> {
  const where = 'startUnixServer';
  checkFunction(handler, 'handler', where);
  if (typeof path !== 'string' || path.length === 0) {
    throw new TypeError(`${where}: path must be a non-empty string, received ${describe(path)}`);
  }
  checkOptions(options, where);
  const limit = checkLimit(options?.limit, where);
  const backlog = options?.backlog;
  if (backlog !== undefined) checkInteger(backlog, 'options.backlog', where, 0);
  let server: Server | undefined;
  const netServer = net.createServer({ allowHalfOpen: true }, (socket) =>
    server?.accept(socket, handler, limit),
  );
  removeStaleSocket(path);
  return listen(netServer, { path, backlog }, path, path, () => {
    server = new Server(netServer, path, path);
    return server;
  });
}

function listen(
  netServer: net.Server,
  options: net.ListenOptions,
  where: string,
  unixPath: string | undefined,
  make: (address: ServerAddress) => Server,
): Promise<Server> {
  const scope = storage.getStore();
  const cancelled = cancelledReason(scope);
  if (cancelled !== undefined) return Promise.reject(cancelled);
  return new Promise<Server>((resolve, reject) => {
    const onError = (err: unknown): void => {
      netServer.close();
      reject(translateStreamError(err, where));
    };
    netServer.once('error', onError);
    netServer.listen(options, () => {
      netServer.off('error', onError);
      // Accept errors (EMFILE) must not crash the process; the listener stays up, as asyncio's does.
      netServer.on('error', ignore);
      const bound = netServer.address();
      const address: ServerAddress =
        unixPath !== undefined || bound === null || typeof bound === 'string'
          ? (unixPath ?? String(bound))
          : { address: bound.address, family: bound.family, port: bound.port };
      resolve(make(address));
    });
  });
}

function checkLimit(limit: number | undefined, where: string): number | undefined {
  if (limit !== undefined) checkInteger(limit, 'options.limit', where, 1);
  return limit;
}

function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // Missing: nothing to replace. Anything else surfaces as the listen error.
  }
}

function removeSocketFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function formatAddress(address: ServerAddress): string {
  if (typeof address === 'string') return address;
  return address.family === 'IPv6'
    ? `[${address.address}]:${address.port}`
    : `${address.address}:${address.port}`;
}

function reportHandlerError(peer: string, error: unknown): void {
  process.emitWarning(
    `Unhandled error in the connection handler for ${peer}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    {
      type: 'AsyncioWarning',
      code: 'ASYNCIO_TS_HANDLER_ERROR',
      detail: error instanceof Error ? error.stack : undefined,
    },
  );
}

function ignore(): void {}
