/**
 * A local httpbin-like HTTP server for tests, examples and benchmarks: `startTestServer()` listens on
 * 127.0.0.1 only (never another address) and counts what tests need to see: open connections, requests in
 * flight and their peak, accepted connections (reuse), and requests the client abandoned.
 * @module
 */
import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { checkInteger, checkOptions, describe } from '../core/validate.js';

/**
 * Options of {@link startTestServer}.
 *
 * @example
 * ```ts
 * const server = await startTestServer({ port: 8080 });
 * ```
 */
export interface TestServerOptions {
  /** The port to listen on; `0` (the default) picks a free one. The host is always 127.0.0.1. */
  port?: number;
}

/**
 * Counters a test reads to check what its client did on the wire.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * declare const server: TestServer;
 * assert.equal(server.maxInFlight <= 4, true); // limitPerHost: 4 was respected
 * ```
 */
export interface TestServerStats {
  /** TCP connections open right now. */
  readonly openConnections: number;
  /** Connections accepted since start (or the last `resetStats()`); fewer than requests means reuse. */
  readonly connections: number;
  /** Requests whose response has not finished yet. */
  readonly inFlight: number;
  /** The highest `inFlight` seen since start (or the last `resetStats()`). */
  readonly maxInFlight: number;
  /** Requests received since start (or the last `resetStats()`). */
  readonly requests: number;
  /** Requests whose client went away before the response finished. */
  readonly aborted: number;
}

/**
 * A running test server: its base URL, live counters and `close()`.
 *
 * Routes (httpbin's, durations in seconds as httpbin takes them, fractions allowed):
 * `/get`, `/anything[/…]` (echo method, args, headers, body), `/headers`, `/json`, `/delay/:s`,
 * `/status/:code` (`?retryAfter=s`), `/flaky/:key?fails=n&status=503&retryAfter=s` (fails `n` times per key,
 * then 200), `/bytes/:n`, `/drip?numbytes=&duration=&delay=`, `/stream/:n` (n JSON lines), `/redirect/:n`,
 * `/redirect-to?url=&status=`, `/gzip`, `/deflate`, `/brotli`, `/gzip-bomb/:n` (n zero bytes, gzipped),
 * `/close` (drops the connection mid-body; `?when=headers` before the headers), `/hang` (never answers).
 * Every delayed route stops at once when the client goes away.
 *
 * @example
 * ```ts
 * await using server = await startTestServer();
 * await fetch(`${server.url}/delay/0.1`);
 * await server.waitForConnections(0);
 * ```
 */
export interface TestServer extends TestServerStats {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Zeroes `connections`, `requests`, `aborted` and sets `maxInFlight` to the current `inFlight`. */
  resetStats(): void;
  /**
   * Resolves once `openConnections` is at most `count` (default 0). Clients close sockets asynchronously,
   * so a test awaits this instead of reading the counter at once.
   */
  waitForConnections(count?: number): Promise<void>;
  /** Resolves once `inFlight` is at most `count` (default 0). */
  waitForIdle(count?: number): Promise<void>;
  /** Stops listening, ends every pending response and destroys every connection. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_DELAY_S = 60;
const MAX_BYTES = 64 * 1024 * 1024;
const BYTE_PATTERN = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 31 + 7) & 0xff));

const SLIDESHOW = {
  slideshow: {
    author: 'Yours Truly',
    date: 'date of publication',
    slides: [
      { title: 'Wake up to WonderWidgets!', type: 'all' },
      {
        items: ['Why <em>WonderWidgets</em> are great', 'Who <em>buys</em> WonderWidgets'],
        title: 'Overview',
        type: 'all',
      },
    ],
    title: 'Sample Slide Show',
  },
};

type Watcher = { check: () => boolean; resolve: () => void };

class TestServerImpl implements TestServer {
  readonly url: string;
  readonly port: number;
  openConnections = 0;
  connections = 0;
  inFlight = 0;
  maxInFlight = 0;
  requests = 0;
  aborted = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /** Timers of delayed responses, cleared when the client leaves or the server closes. */
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly flakyCounts = new Map<string, number>();
  private readonly bombs = new Map<number, Buffer>();
  private watchers: Watcher[] = [];
  private closed: Promise<void> | undefined;

  constructor(server: Server) {
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://${HOST}:${this.port}`;
    server.on('connection', (socket: Socket) => {
      this.openConnections++;
      this.connections++;
      this.sockets.add(socket);
      socket.once('close', () => {
        this.openConnections--;
        this.sockets.delete(socket);
        this.notify();
      });
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
  }

  resetStats(): void {
    this.connections = 0;
    this.requests = 0;
    this.aborted = 0;
    this.maxInFlight = this.inFlight;
  }

  waitForConnections(count = 0): Promise<void> {
    return this.waitUntil(() => this.openConnections <= count);
  }

  waitForIdle(count = 0): Promise<void> {
    return this.waitUntil(() => this.inFlight <= count);
  }

  close(): Promise<void> {
    if (this.closed === undefined) {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const socket of this.sockets) socket.destroy();
      this.closed = closing.then(() => {
        for (const watcher of this.watchers) watcher.resolve();
        this.watchers = [];
      });
    }
    return this.closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private waitUntil(check: () => boolean): Promise<void> {
    if (check() || this.closed !== undefined) return Promise.resolve();
    return new Promise<void>((resolve) => this.watchers.push({ check, resolve }));
  }

  private notify(): void {
    if (this.watchers.length === 0) return;
    const waiting: Watcher[] = [];
    for (const watcher of this.watchers) {
      if (watcher.check()) watcher.resolve();
      else waiting.push(watcher);
    }
    this.watchers = waiting;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.requests++;
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    res.once('close', () => {
      this.inFlight--;
      if (!res.writableFinished) this.aborted++;
      this.notify();
    });
    const url = new URL(req.url ?? '/', this.url);
    const parts = url.pathname.split('/').filter((p) => p !== '');
    try {
      this.route(req, res, url, parts);
    } catch (err) {
      send(res, 400, { error: String(err) });
    }
  }

  private route(req: IncomingMessage, res: ServerResponse, url: URL, parts: string[]): void {
    const [head, arg] = parts;
    switch (head) {
      case undefined:
        send(res, 200, { routes: 'see asyncio-ts/testing TestServer' });
        return;
      case 'get':
      case 'anything':
      case 'post':
      case 'put':
      case 'patch':
      case 'delete':
        this.echo(req, res, url);
        return;
      case 'headers':
        send(res, 200, { headers: flatHeaders(req.headers) });
        return;
      case 'json':
        send(res, 200, SLIDESHOW);
        return;
      case 'delay':
        this.later(res, seconds(arg, MAX_DELAY_S), () => this.echo(req, res, url));
        return;
      case 'status':
        this.status(res, url, integer(arg, 100, 599));
        return;
      case 'flaky':
        this.flaky(res, url, arg ?? 'default');
        return;
      case 'bytes':
        this.bytes(res, integer(arg, 0, MAX_BYTES));
        return;
      case 'stream':
        this.stream(res, url, integer(arg, 0, 10_000));
        return;
      case 'drip':
        this.drip(res, url);
        return;
      case 'redirect':
        this.redirect(res, integer(arg, 0, 1000));
        return;
      case 'redirect-to':
        this.redirectTo(res, url);
        return;
      case 'gzip':
      case 'deflate':
      case 'brotli':
        this.compressed(req, res, head);
        return;
      case 'gzip-bomb':
        this.bomb(res, integer(arg, 0, 1024 * 1024 * 1024));
        return;
      case 'close':
        this.dropConnection(res, url);
        return;
      case 'hang':
        // Never answers: the response ends when the client leaves or the server closes.
        return;
      default:
        send(res, 404, { error: `no route ${url.pathname}` });
        return;
    }
  }

  private echo(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const data = Buffer.concat(chunks).toString('utf8');
      const type = req.headers['content-type'] ?? '';
      let json: unknown = null;
      let form: Record<string, string> = {};
      if (type.startsWith('application/json')) {
        try {
          json = JSON.parse(data);
        } catch {
          json = null;
        }
      } else if (type.startsWith('application/x-www-form-urlencoded')) {
        form = Object.fromEntries(new URLSearchParams(data));
      }
      send(res, 200, {
        method: req.method,
        url: url.href,
        path: url.pathname,
        args: Object.fromEntries(url.searchParams),
        headers: flatHeaders(req.headers),
        data,
        json,
        form,
      });
    });
  }

  private status(res: ServerResponse, url: URL, code: number): void {
    const retryAfter = url.searchParams.get('retryAfter');
    if (retryAfter !== null) res.setHeader('retry-after', retryAfter);
    if (code >= 300 && code < 400) res.setHeader('location', '/get');
    if (code < 200 || code === 204 || code === 304) {
      // No body is allowed with these.
      res.writeHead(code);
      res.end();
      return;
    }
    send(res, code, { status: code });
  }

  private flaky(res: ServerResponse, url: URL, key: string): void {
    const fails = Number(url.searchParams.get('fails') ?? '1');
    const seen = this.flakyCounts.get(key) ?? 0;
    this.flakyCounts.set(key, seen + 1);
    if (seen < fails) {
      const retryAfter = url.searchParams.get('retryAfter');
      if (retryAfter !== null) res.setHeader('retry-after', retryAfter);
      const code = Number(url.searchParams.get('status') ?? '503');
      send(res, code, { key, attempt: seen + 1 });
      return;
    }
    send(res, 200, { key, attempt: seen + 1 });
  }

  private bytes(res: ServerResponse, n: number): void {
    // Byte i is (i * 31 + 7) & 0xff: a 256-byte cycle, filled natively (fast even for megabytes).
    const body = Buffer.alloc(n, BYTE_PATTERN);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': n });
    res.end(body);
  }

  private stream(res: ServerResponse, url: URL, n: number): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    for (let i = 0; i < n; i++) res.write(`${JSON.stringify({ id: i, url: url.href })}\n`);
    res.end();
  }

  private drip(res: ServerResponse, url: URL): void {
    const numbytes = integer(url.searchParams.get('numbytes') ?? '10', 0, MAX_BYTES);
    const durationMs = seconds(url.searchParams.get('duration') ?? '2', MAX_DELAY_S) * 1000;
    const delayMs = seconds(url.searchParams.get('delay') ?? '0', MAX_DELAY_S) * 1000;
    const code = integer(url.searchParams.get('code') ?? '200', 100, 599);
    const pauseMs = numbytes > 0 ? durationMs / numbytes : 0;
    let sent = 0;
    const next = (): void => {
      if (sent === numbytes) {
        res.end();
        return;
      }
      res.write('*');
      sent++;
      this.later(res, pauseMs / 1000, next);
    };
    this.later(res, delayMs / 1000, () => {
      res.writeHead(code, { 'content-type': 'application/octet-stream', 'content-length': numbytes });
      // Flush the headers now so that a client sees them before the first byte's pause.
      res.flushHeaders();
      next();
    });
  }

  private redirect(res: ServerResponse, n: number): void {
    res.writeHead(302, { location: n <= 1 ? '/get' : `/redirect/${n - 1}`, 'content-length': 0 });
    res.end();
  }

  private redirectTo(res: ServerResponse, url: URL): void {
    const target = url.searchParams.get('url');
    if (target === null) {
      send(res, 400, { error: 'redirect-to needs ?url=' });
      return;
    }
    const code = integer(
      url.searchParams.get('status') ?? url.searchParams.get('status_code') ?? '302',
      300,
      399,
    );
    res.writeHead(code, { location: target, 'content-length': 0 });
    res.end();
  }

  private compressed(req: IncomingMessage, res: ServerResponse, kind: 'gzip' | 'deflate' | 'brotli'): void {
    const body = Buffer.from(
      JSON.stringify({
        [kind === 'gzip' ? 'gzipped' : kind === 'deflate' ? 'deflated' : 'brotli']: true,
        headers: flatHeaders(req.headers),
        method: req.method,
      }),
    );
    const encoded =
      kind === 'gzip' ? gzipSync(body) : kind === 'deflate' ? deflateSync(body) : brotliCompressSync(body);
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-encoding': kind === 'brotli' ? 'br' : kind,
      'content-length': encoded.length,
    });
    res.end(encoded);
  }

  private bomb(res: ServerResponse, n: number): void {
    let encoded = this.bombs.get(n);
    if (encoded === undefined) {
      // A gzip stream may hold several members back to back: n zeros as 1 MiB members, so that even a
      // huge bomb is built in milliseconds and stays about 1/1000 of its decoded size.
      const mib = 1024 * 1024;
      const members: Buffer[] = [];
      if (n >= mib) {
        const member = gzipSync(Buffer.alloc(mib), { level: 9 });
        for (let i = Math.floor(n / mib); i > 0; i--) members.push(member);
      }
      if (n % mib !== 0 || n === 0) members.push(gzipSync(Buffer.alloc(n % mib), { level: 9 }));
      encoded = Buffer.concat(members);
      this.bombs.set(n, encoded);
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-encoding': 'gzip',
      'content-length': encoded.length,
    });
    res.end(encoded);
  }

  private dropConnection(res: ServerResponse, url: URL): void {
    const socket = res.socket;
    if (url.searchParams.get('when') === 'headers') {
      socket?.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 1000 });
    res.write(Buffer.alloc(100, 1), () => socket?.destroy());
  }

  /** Runs `fn` after `s` seconds unless the client leaves or the server closes first. */
  private later(res: ServerResponse, s: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      res.off('close', cancel);
      if (!res.destroyed) fn();
    }, s * 1000);
    const cancel = (): void => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
    this.timers.add(timer);
    res.once('close', cancel);
  }
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function seconds(text: string | undefined, max: number): number {
  const value = Number(text ?? '0');
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`bad duration ${text}`);
  return Math.min(value, max);
}

function integer(text: string | undefined, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`bad number ${text}`);
  return value;
}

/**
 * Starts an httpbin-like server on 127.0.0.1 (see {@link TestServer} for the routes). Close it when done;
 * `await using` does that.
 *
 * @example
 * ```ts
 * import { startTestServer } from 'asyncio-ts/testing';
 * await using server = await startTestServer();
 * const res = await fetch(`${server.url}/json`);
 * console.log(res.status, server.requests); // 200 1
 * ```
 */
export function startTestServer(options?: TestServerOptions): Promise<TestServer> {
  // Bad arguments throw here, at the call, not as a rejection.
  checkOptions(options, 'startTestServer');
  const port = options?.port ?? 0;
  checkInteger(port, 'options.port', 'startTestServer', 0);
  if (port > 65535)
    throw new RangeError(`startTestServer: options.port must be <= 65535, received ${describe(port)}`);
  return listen(port);
}

async function listen(port: number): Promise<TestServer> {
  const server = createServer({ keepAliveTimeout: 5000 });
  server.listen(port, HOST);
  await once(server, 'listening');
  return new TestServerImpl(server);
}
