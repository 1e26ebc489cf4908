/**
 * HTTP test fixtures: a test server per file whose open-connection count must be back to 0 after every
 * test (no socket leaked), with no timer left either; and a raw TCP server that accepts connections and
 * never answers, so that a TLS handshake to it hangs (a connect phase that never ends, on 127.0.0.1).
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, afterEach, before } from 'node:test';
import { startTestServer, type TestServer } from 'asyncio-ts/testing';
import { assertNoTimers } from './leaks.js';

/**
 * Rejects if `promise` has not settled within `ms`. The bound is only a safety net against a hung test
 * (the condition it waits for happens within milliseconds when the code is right), so it is generous.
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts a test server for the file; after each test, asserts that no connection and no timer is left. */
export function useTestServer(): { readonly server: TestServer } {
  const holder = {} as { server: TestServer };
  before(async () => {
    holder.server = await startTestServer();
  });
  afterEach(async () => {
    const server = holder.server;
    await within(server.waitForConnections(0), 5000, 'open connections back to 0');
    assert.equal(server.openConnections, 0);
    await within(server.waitForIdle(0), 5000, 'requests in flight back to 0');
    await assertNoTimers();
    server.resetStats();
  });
  after(async () => {
    await holder.server.close();
  });
  return holder;
}

/** A TCP server on 127.0.0.1 that accepts and stays silent; counts open sockets. */
export interface SilentServer {
  readonly port: number;
  readonly open: number;
  /** Resolves once at least `count` sockets are open. */
  waitForOpen(count: number): Promise<void>;
  /** Resolves once at most `count` sockets are open. */
  waitForClosed(count?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const watchers = new Set<() => void>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    // Read and drop what arrives (a TLS hello): an unread socket never sees the peer's FIN.
    socket.resume();
    socket.once('close', () => {
      sockets.delete(socket);
      for (const watcher of watchers) watcher();
    });
    for (const watcher of watchers) watcher();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const waitUntil = (check: () => boolean): Promise<void> =>
    new Promise<void>((resolve) => {
      if (check()) return resolve();
      const watcher = (): void => {
        if (!check()) return;
        watchers.delete(watcher);
        resolve();
      };
      watchers.add(watcher);
    });
  return {
    port,
    get open() {
      return sockets.size;
    },
    waitForOpen: (count) => waitUntil(() => sockets.size >= count),
    waitForClosed: (count = 0) => waitUntil(() => sockets.size <= count),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
