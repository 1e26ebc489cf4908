/**
 * `openConnection` and `openUnixConnection` (asyncio's `open_connection`/`open_unix_connection`) on
 * `node:net` and `node:tls`.
 * @module
 */

import net from 'node:net';
import tls from 'node:tls';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { checkInteger, checkOptions, describe } from '../core/validate.js';
import { HOLDS_CLOCK, Waiter } from '../core/waiter.js';
import { signalOf } from '../sync/options.js';
import { translateStreamError } from './errors.js';
import type { StreamReader } from './stream-reader.js';
import type { StreamWriter } from './stream-writer.js';
import { wireSocket } from './wire.js';

/** Options of {@link openConnection}. */
export interface OpenConnectionOptions {
  /** Host name or IP address (default `'localhost'`). */
  host?: string;
  /** TCP port. */
  port: number;
  /** `true` for TLS with the default options, or `node:tls` connect options (`ca`, `servername`, …). */
  tls?: boolean | tls.ConnectionOptions;
  /** The reader's line limit and flow-control mark in bytes (default 64 KiB). */
  limit?: number;
  /** Local address to bind to (plain TCP only). */
  localAddress?: string;
  /** Aborts the connection attempt. */
  signal?: AbortSignal;
}

/** Options of {@link openUnixConnection}. */
export interface OpenUnixConnectionOptions {
  /** The reader's line limit and flow-control mark in bytes (default 64 KiB). */
  limit?: number;
  /** Aborts the connection attempt. */
  signal?: AbortSignal;
}

/** The wait for a connection (and its TLS handshake), named after the peer. */
class ConnectWaiter extends Waiter<void> {
  constructor(peer: string) {
    super(`connect to ${peer}`);
    this.clockRole = HOLDS_CLOCK;
  }
}

/**
 * Opens a TCP (or TLS) connection and returns its reader and writer. A refused or failed connection rejects
 * with `StreamConnectionError` (`errno` says why). A checkpoint: cancelled, the socket is destroyed.
 *
 * @example
 * <!-- no-run: needs a server on port 8888 -->
 * ```ts
 * import { openConnection } from 'asyncio-ts/streams';
 * const [reader, writer] = await openConnection({ host: '127.0.0.1', port: 8888 });
 * writer.write('Hello World!');
 * console.log((await reader.read(100)).toString());
 * writer.close();
 * await writer.waitClosed();
 * ```
 */
export function openConnection(options: OpenConnectionOptions): Promise<[StreamReader, StreamWriter]> {
  const where = 'openConnection';
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object with a port, received ${describe(options)}`);
  }
  const host = options.host ?? 'localhost';
  if (typeof host !== 'string' || host.length === 0) {
    throw new TypeError(`${where}: options.host must be a non-empty string, received ${describe(host)}`);
  }
  checkInteger(options.port, 'options.port', where, 0);
  if (options.port > 65_535)
    throw new RangeError(`${where}: options.port must be <= 65535, received ${options.port}`);
  const tlsOption = options.tls ?? false;
  if (typeof tlsOption !== 'boolean' && (typeof tlsOption !== 'object' || tlsOption === null)) {
    throw new TypeError(
      `${where}: options.tls must be a boolean or tls options, received ${describe(tlsOption)}`,
    );
  }
  if (options.limit !== undefined) checkInteger(options.limit, 'options.limit', where, 1);
  const signal = signalOf({ signal: options.signal }, where);
  const peer = `${host.includes(':') ? `[${host}]` : host}:${options.port}`;
  return connect(peer, options.limit, signal, () => {
    if (tlsOption === false) {
      return net.connect({
        host,
        port: options.port,
        localAddress: options.localAddress,
        allowHalfOpen: true,
        noDelay: true,
      });
    }
    const extra = tlsOption === true ? {} : tlsOption;
    return tls.connect({
      host,
      port: options.port,
      servername: net.isIP(host) === 0 ? host : undefined,
      ...extra,
    });
  });
}

/**
 * Opens a connection to the Unix domain socket at `path` and returns its reader and writer. A checkpoint.
 *
 * @example
 * <!-- no-run: needs a server on /run/app.sock -->
 * ```ts
 * import { openUnixConnection } from 'asyncio-ts/streams';
 * const [reader, writer] = await openUnixConnection('/run/app.sock');
 * ```
 */
export function openUnixConnection(
  path: string,
  options?: OpenUnixConnectionOptions,
): Promise<[StreamReader, StreamWriter]> {
  const where = 'openUnixConnection';
  if (typeof path !== 'string' || path.length === 0) {
    throw new TypeError(`${where}: path must be a non-empty string, received ${describe(path)}`);
  }
  checkOptions(options, where);
  if (options?.limit !== undefined) checkInteger(options.limit, 'options.limit', where, 1);
  const signal = signalOf(options === undefined ? undefined : { signal: options.signal }, where);
  return connect(path, options?.limit, signal, () => net.connect({ path, allowHalfOpen: true }));
}

function connect(
  peer: string,
  limit: number | undefined,
  signal: AbortSignal | undefined,
  open: () => net.Socket,
): Promise<[StreamReader, StreamWriter]> {
  const scope = storage.getStore();
  const cancelled = cancelledReason(scope, signal);
  if (cancelled !== undefined) return Promise.reject(cancelled);
  const socket = open();
  const waiter = new ConnectWaiter(peer);
  waiter.park(scope, signal);
  const onError = (err: unknown): void => {
    socket.destroy();
    waiter.fail(translateStreamError(err, peer));
  };
  const onConnect = (): void => {
    socket.off('error', onError);
    waiter.resolve();
  };
  socket.once('error', onError);
  socket.once(socket instanceof tls.TLSSocket ? 'secureConnect' : 'connect', onConnect);
  return waiter.promise.then(
    () => wireSocket(socket, peer, limit),
    (err: unknown) => {
      // Cancelled or failed: nothing of the attempt may stay open.
      socket.off('error', onError);
      socket.on('error', ignore);
      socket.destroy();
      throw err;
    },
  );
}

function ignore(): void {}
