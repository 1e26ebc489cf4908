// Cancelling the task aborts the request in every phase, and no socket is left behind: each test checks
// at the server (or at a silent TCP server, for the connect phase) that the connection went away before
// the session is closed.
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { describe, test } from 'node:test';
import {
  CancelledError,
  checkpoint,
  createTask,
  currentTask,
  gather,
  run,
  shield,
  TimeoutError,
  timeout,
} from 'asyncio-ts';
import { formatTaskTree } from 'asyncio-ts/debug';
import { ClientConnectionError, ClientSession } from 'asyncio-ts/http';
import type { TestServer } from 'asyncio-ts/testing';
import { startSilentServer, useTestServer, within } from '../helpers/http.js';

/** Resolves once the server has `count` requests in flight (event-loop turns, no timer). */
function untilInFlight(server: TestServer, count: number): Promise<void> {
  return within(
    new Promise<void>((resolve) => {
      const check = (): void => (server.inFlight >= count ? resolve() : void setImmediate(check));
      check();
    }),
    5000,
    `${count} request(s) in flight`,
  );
}

/** A task as a plain promise, for `assert.rejects`. */
function settled<T>(task: PromiseLike<T>): Promise<T> {
  return Promise.resolve(task);
}

async function warm(session: ClientSession): Promise<void> {
  await (await session.get('/json')).text();
}

describe('cancelling requests', () => {
  const ctx = useTestServer();

  test('while waiting for the headers: the task ends cancelled and the server sees the abort', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url });
    await warm(session);
    const task = createTask(() => session.get('/hang'));
    await untilInFlight(server, 1);
    const open = server.openConnections;
    task.cancel();
    await assert.rejects(settled(task), CancelledError);
    assert.equal(task.cancelled(), true);
    await within(server.waitForIdle(0), 5000, 'server idle');
    assert.equal(server.aborted, 1);
    // The aborted connection is gone while the session is still open (the warm-up one may stay pooled).
    await within(server.waitForConnections(open - 1), 5000, 'connection closed');
  });

  test('while reading the body: the socket is destroyed', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url });
    const task = createTask(async () => {
      const res = await session.get('/drip?numbytes=5&duration=30');
      return res.text();
    });
    await untilInFlight(server, 1);
    // Let the response headers arrive and the body read start.
    while (session.live.size === 0 || [...session.live][0]?.response === undefined) await checkpoint();
    task.cancel();
    await assert.rejects(settled(task), CancelledError);
    await within(server.waitForConnections(0), 5000, 'connection closed');
    assert.equal(server.aborted, 1);
  });

  test('while connecting: the half-open connection is closed', async () => {
    const silent = await startSilentServer();
    try {
      await using session = new ClientSession();
      const task = createTask(() => session.get(`https://127.0.0.1:${silent.port}/`));
      await within(silent.waitForOpen(1), 5000, 'connection attempt');
      task.cancel();
      await assert.rejects(settled(task), CancelledError);
      await within(silent.waitForClosed(0), 5000, 'connection closed');
    } finally {
      await silent.close();
    }
  });

  test('a request in a cancelled scope is refused at once (a checkpoint): nothing is sent', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url });
    const task = createTask(async () => {
      // The task cancels itself: from now on every checkpoint in it throws.
      currentTask()?.cancel();
      return session.get('/json');
    });
    await assert.rejects(settled(task), CancelledError);
    assert.equal(server.requests, 0);
  });

  test('options.signal aborts the request with its reason', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url });
    await warm(session);
    const controller = new AbortController();
    const pending = session.get('/hang', { signal: controller.signal });
    await untilInFlight(server, 1);
    const reason = new Error('enough');
    controller.abort(reason);
    await assert.rejects(pending, (err: unknown) => err === reason);
    await within(server.waitForIdle(0), 5000, 'server idle');
    assert.equal(server.aborted, 1);
    await assert.rejects(
      session.get('/json', { signal: controller.signal }),
      (err: unknown) => err === reason,
    );
  });

  test('timeout() around a request: TimeoutError, request aborted', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url });
    await warm(session);
    await assert.rejects(
      timeout(100, () => session.get('/hang')),
      (err: unknown) => err instanceof TimeoutError && !(err instanceof ClientConnectionError),
    );
    await within(server.waitForIdle(0), 5000, 'server idle');
    assert.equal(server.aborted, 1);
  });

  test('gather of requests under a timeout: every one is aborted', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url });
    await assert.rejects(
      timeout(200, () => gather(...[1, 2, 3].map(() => () => session.get('/hang')))),
      TimeoutError,
    );
    await within(server.waitForIdle(0), 5000, 'server idle');
    assert.equal(server.requests, 3);
    assert.equal(server.aborted, 3);
    await within(server.waitForConnections(0), 5000, 'connections closed');
  });

  test('an unread body is released when the task that made the request ends', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url });
    // 1 MB: the socket pauses after 64 KiB; nobody reads it.
    const task = createTask(async () => (await session.get('/bytes/1000000')).status);
    assert.equal(await task, 200);
    await within(server.waitForConnections(0), 5000, 'connection closed');
    assert.equal(session.live.size, 0);
  });

  test('release() of a small unread body drains it and keeps the connection', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url, limitPerHost: 1 });
    const res = await session.get('/drip?numbytes=3&duration=0.1');
    res.release();
    await assert.rejects(res.text(), { code: 'ERR_INVALID_STATE', message: /released/ });
    const next = await session.get('/json');
    await next.text();
    assert.equal(server.connections, 1);
  });

  test('await using releases the response at the end of the block', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url });
    {
      await using res = await session.get('/bytes/1000000');
      assert.equal(res.status, 200);
    }
    await within(server.waitForConnections(0), 5000, 'connection closed');
  });

  test('cancelling the reader of a stream aborts the request; shielded clean-up still runs', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url });
    let cleanedUp = false;
    const task = createTask(async () => {
      const res = await session.get('/drip?numbytes=100&duration=30');
      try {
        for await (const _ of res.body) {
          // read until cancelled
        }
      } finally {
        await shield(async () => {
          cleanedUp = true;
        });
      }
    });
    await untilInFlight(server, 1);
    while (session.live.size === 0 || [...session.live][0]?.response === undefined) await checkpoint();
    task.cancel();
    await assert.rejects(settled(task), CancelledError);
    assert.equal(cleanedUp, true);
    await within(server.waitForConnections(0), 5000, 'connection closed');
  });

  test('inside run(): leaving run() releases what main left unread', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url });
    const status = await run(async () => (await session.get('/bytes/1000000')).status);
    assert.equal(status, 200);
    await within(server.waitForConnections(0), 5000, 'connection closed');
  });
  test('cancelled at the moment its response is granted: the response is released, not lost', async () => {
    // The interleaving: the response headers arrive and the response is granted to the waiting task
    // (delivered a microtask later); in the same synchronous turn, before the task can resume, it is
    // cancelled. undici publishes 'undici:request:bodyChunkReceived' for the first body chunk, after the
    // headers went to our handler and before the task could resume: the cancel is made there. The task must
    // end cancelled, and the response it never saw must be released: with 1 MB still to come, its connection
    // is closed at once (nobody would ever read it or end it otherwise).
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url });
    await warm(session);
    let task: ReturnType<typeof createTask<unknown>> | undefined;
    let cancelledInTurn = false;
    const onChunk = (): void => {
      if (task !== undefined && !cancelledInTurn) {
        cancelledInTurn = true;
        assert.equal(session.live.head?.response !== undefined, true, 'the response was granted already');
        task.cancel();
      }
    };
    diagnostics.subscribe('undici:request:bodyChunkReceived', onChunk);
    try {
      task = createTask(async () => session.get('/bytes/1000000'));
      await assert.rejects(settled(task), CancelledError);
    } finally {
      diagnostics.unsubscribe('undici:request:bodyChunkReceived', onChunk);
    }
    assert.equal(cancelledInTurn, true);
    assert.equal(session.live.size, 0);
    await within(server.waitForConnections(1), 5000, 'the big response closed (the warm-up one may stay)');
  });

  test('the task tree shows what a request waits on', async () => {
    const { server } = ctx;
    await using session = new ClientSession({ baseUrl: server.url });
    const text = await run(async () => {
      const waiting = createTask(() => session.get('/hang'), { name: 'fetcher' });
      await untilInFlight(server, 1);
      const tree = formatTaskTree();
      waiting.cancel();
      await settled(waiting).catch(() => undefined);
      return tree;
    });
    assert.match(text, /fetcher/);
    assert.match(text, new RegExp(`GET ${server.url.replace(/\./g, '\\.')}/hang`));
  });
});
