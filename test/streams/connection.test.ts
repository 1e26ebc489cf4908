/**
 * Streams over real sockets on 127.0.0.1 and Unix sockets. Tests named `test_*` are ports of CPython's
 * Lib/test/test_asyncio/test_streams.py; the rest cover the faults of issue 15 (peer reset, half-close,
 * partial reads, lines over the limit, a slow reader). After each test no socket or server of ours is open.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { formatTaskTree } from '../../src/debug/index.js';
import { CancelledError, createTask, Event, run, sleep, timeout } from '../../src/index.js';
import {
  ConnectionResetError,
  LimitOverrunError,
  openConnection,
  openUnixConnection,
  type Server,
  StreamConnectionError,
  type StreamReader,
  type StreamWriter,
  startServer,
  startUnixServer,
} from '../../src/streams/index.js';
import { assertNoTimers, turns } from '../helpers/leaks.js';

// real time: real sockets; a few peers pace their writes with short timers, and one readline times out after
// 30 ms of real time (a read waiting on a socket holds a VirtualClock). No assertion is about how long.

const fixtures = new URL('./fixtures/', import.meta.url);
const key = readFileSync(new URL('key.pem', fixtures));
const cert = readFileSync(new URL('cert.pem', fixtures));

function portOf(server: Server | net.Server): number {
  const address = server instanceof net.Server ? server.address() : server.address;
  assert.ok(typeof address === 'object' && address !== null);
  return address.port;
}

const SOCKET_TYPES = ['TCPSocketWrap', 'TCPServerWrap', 'PipeWrap', 'PipeServerWrap', 'TLSWrap'];
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((t) => SOCKET_TYPES.includes(t)).length;
}

// The test runner's own pipes (stdio, tsx's esbuild service) are there from the start.
const baseline = openSockets();

afterEach(async () => {
  await turns(3);
  assert.equal(openSockets(), baseline, `sockets left: ${process.getActiveResourcesInfo().join(', ')}`);
  await assertNoTimers();
});

/** An echo handler: the asyncio docs' `handle_echo` loop, line by line. */
async function echo(reader: StreamReader, writer: StreamWriter): Promise<void> {
  for await (const line of reader) {
    writer.write(line);
    await writer.drain();
  }
}

test('test_open_connection / test_start_server: a line there and back; the server closes cleanly', async () => {
  await run(async () => {
    await using server = await startServer(echo, { host: '127.0.0.1', port: 0 });
    assert.equal(server.address && typeof server.address === 'object' && server.address.address, '127.0.0.1');
    const [reader, writer] = await openConnection({ host: '127.0.0.1', port: portOf(server) });
    writer.write('hello world!\n');
    assert.equal((await reader.readline()).toString(), 'hello world!\n');
    assert.deepEqual(writer.getExtraInfo('peername'), {
      address: '127.0.0.1',
      family: 'IPv4',
      port: portOf(server),
    });
    assert.equal((writer.getExtraInfo('sockname') as { address: string }).address, '127.0.0.1');
    assert.throws(() => writer.getExtraInfo('socket' as 'peername'), RangeError);
    writer.close();
    await writer.waitClosed();
    assert.equal(writer.isClosing(), true);
  });
});

test('test_open_unix_connection / test_start_unix_server', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asyncio-ts-'));
  const path = join(dir, 'echo.sock');
  try {
    await run(async () => {
      const server = await startUnixServer(echo, path);
      assert.equal(server.address, path);
      const [reader, writer] = await openUnixConnection(path);
      writer.writelines(['hello ', 'world!\n']);
      assert.equal((await reader.readline()).toString(), 'hello world!\n');
      await writer[Symbol.asyncDispose]();
      server.close();
      await server.waitClosed();
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('test_open_connection_error: a refused connection is a StreamConnectionError with the system code', async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = portOf(probe);
  await new Promise((resolve) => probe.close(resolve));
  const err = await openConnection({ host: '127.0.0.1', port }).catch((e: unknown) => e);
  assert.ok(err instanceof StreamConnectionError);
  assert.deepEqual([err.code, err.errno], ['ERR_STREAM_CONNECTION', 'ECONNREFUSED']);
  assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
});

test('TLS: openConnection with tls options talks to a TLS server', async () => {
  await run(async () => {
    await using server = await startServer(echo, { port: 0, tls: { key, cert } });
    const [reader, writer] = await openConnection({
      host: 'localhost',
      port: portOf(server),
      tls: { ca: cert },
    });
    writer.write('secret\n');
    assert.equal((await reader.readline()).toString(), 'secret\n');
    await writer[Symbol.asyncDispose]();
    const bad = await openConnection({ host: '127.0.0.1', port: portOf(server), tls: true }).catch(
      (e: unknown) => e,
    );
    assert.ok(bad instanceof StreamConnectionError, 'an untrusted certificate fails the handshake');
    // A client that never starts its handshake does not hold up the server's close.
    const silent = net.connect({ host: '127.0.0.1', port: portOf(server) });
    silent.on('error', () => {});
    await new Promise((resolve) => silent.once('connect', resolve));
    await turns(2);
    server.close();
    await timeout(5000, () => server.waitClosed()); // without the fix: TLS's 120 s handshake timeout
    await new Promise((resolve) => silent.once('close', resolve));
  });
});

test('peer reset: the next read and drain throw ConnectionResetError with ECONNRESET', async () => {
  const raw = net.createServer((socket) => {
    socket.write('partial');
    setTimeout(() => socket.resetAndDestroy(), 20);
  });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  try {
    await run(async () => {
      const [reader, writer] = await openConnection({ host: '127.0.0.1', port: portOf(raw) });
      assert.equal((await reader.read(7)).toString(), 'partial');
      const err = await reader.read().catch((e: unknown) => e);
      assert.ok(err instanceof ConnectionResetError, String(err));
      assert.deepEqual([err.code, err.errno], ['ERR_CONNECTION_RESET', 'ECONNRESET']);
      await assert.rejects(writer.drain(), ConnectionResetError);
      await writer.waitClosed();
    });
  } finally {
    await new Promise((resolve) => raw.close(resolve));
  }
});

test('half-close: writeEof ends the request, the response still arrives', async () => {
  await run(async () => {
    await using server = await startServer(
      async (reader, writer) => {
        const request = await reader.read(); // until the client's EOF
        writer.write(`got ${request.length} bytes`);
      },
      { port: 0 },
    );
    const [reader, writer] = await openConnection({ host: '127.0.0.1', port: portOf(server) });
    writer.write(Buffer.alloc(100_000, 1));
    writer.writeEof();
    assert.throws(() => writer.write('more'), { code: 'ERR_INVALID_STATE' });
    assert.equal((await reader.read()).toString(), 'got 100000 bytes');
    assert.equal(reader.atEof(), true);
    await writer.waitClosed();
  });
});

test('partial reads: readexactly and readuntil assemble data sent a few bytes at a time', async () => {
  const message = Buffer.from('HEADER\r\n\r\nbody-of-twenty-bytes');
  const raw = net.createServer(async (socket) => {
    for (let i = 0; i < message.length; i += 3) {
      socket.write(message.subarray(i, i + 3));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    socket.end();
  });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  try {
    await run(async () => {
      const [reader, writer] = await openConnection({ host: '127.0.0.1', port: portOf(raw) });
      assert.equal((await reader.readuntil('\r\n\r\n')).toString(), 'HEADER\r\n\r\n');
      assert.equal((await reader.readexactly(20)).toString(), 'body-of-twenty-bytes');
      await assert.rejects(reader.readexactly(1), { code: 'ERR_INCOMPLETE_READ' });
      writer.close();
      await writer.waitClosed();
    });
  } finally {
    await new Promise((resolve) => raw.close(resolve));
  }
});

test('a line over the limit throws LimitOverrunError; the connection goes on', async () => {
  await run(async () => {
    await using server = await startServer(
      async (_reader, writer) => {
        writer.write(Buffer.alloc(200_000, 0x61));
        writer.write('\nshort\n');
        await writer.drain();
      },
      { port: 0 },
    );
    const [reader, writer] = await openConnection({ host: '127.0.0.1', port: portOf(server), limit: 1024 });
    // readline discards the part of the long line it consumed on each overrun; read on until the next line.
    let overruns = 0;
    while (true) {
      try {
        const line = (await reader.readline()).toString();
        if (line === 'short\n') break;
        assert.ok(
          line.length > 0 && line.length <= 1025,
          `a line within the limit, got ${line.length} bytes`,
        );
      } catch (err) {
        assert.ok(err instanceof LimitOverrunError);
        overruns++;
      }
    }
    assert.ok(overruns >= 1);
    await writer[Symbol.asyncDispose]();
  });
});

test('a slow reader: flow control pauses the socket, the writer waits in drain, memory stays bounded', async () => {
  const total = 16 << 20;
  let maxBuffered = 0;
  await run(async () => {
    await using server = await startServer(
      async (_reader, writer) => {
        const chunk = Buffer.alloc(64 << 10, 7);
        for (let sent = 0; sent < total; sent += chunk.length) {
          writer.write(chunk);
          maxBuffered = Math.max(
            maxBuffered,
            (writer as unknown as { stream: net.Socket }).stream.writableLength,
          );
          await writer.drain();
        }
      },
      { port: 0 },
    );
    const [reader, writer] = await openConnection({ host: '127.0.0.1', port: portOf(server) });
    let received = 0;
    let sawPaused = false;
    for (let i = 0; ; i++) {
      const data = await reader.read(16 << 10);
      if (data.length === 0) break;
      received += data.length;
      if (i % 64 === 0) {
        await sleep(2); // slow: the sender outruns us
        sawPaused ||= /paused/.test(
          String(
            (reader as unknown as { [k: symbol]: () => string })[Symbol.for('nodejs.util.inspect.custom')]!(),
          ),
        );
      }
    }
    assert.equal(received, total);
    assert.ok(sawPaused, 'the reader paused its socket past its limit');
    await writer[Symbol.asyncDispose]();
  });
  // One chunk in the writer's buffer at a time (plus what was left): never the whole 16 MB.
  assert.ok(maxBuffered <= 256 << 10, `writer buffered up to ${maxBuffered} bytes`);
});

test('closing the server cancels its handlers; waitClosed resolves after their finally blocks', async () => {
  await run(async () => {
    const events: string[] = [];
    const inside = new Event();
    const server = await startServer(
      async (reader) => {
        try {
          inside.set();
          await reader.readline();
        } catch (err) {
          events.push(err instanceof CancelledError ? 'cancelled' : String(err));
          throw err;
        } finally {
          events.push('finally');
        }
      },
      { port: 0 },
    );
    const [reader, writer] = await openConnection({ host: '127.0.0.1', port: portOf(server) });
    await inside.wait();
    assert.match(formatTaskTree(), /readline on 127\.0\.0\.1:\d+/);
    server.close();
    assert.equal(server.isServing(), false);
    await server.waitClosed();
    assert.deepEqual(events, ['cancelled', 'finally']);
    assert.equal((await reader.read()).length, 0, 'the client sees its connection closed');
    writer.close();
    await writer.waitClosed();
  });
});

test('serveForever: cancelled, it closes the server first; a handler error is a warning', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error & { code?: string }): void => {
    if (w.code === 'ASYNCIO_TS_HANDLER_ERROR') warnings.push(w.message);
  };
  process.on('warning', onWarning);
  try {
    await run(async () => {
      const server = await startServer(
        async () => {
          throw new Error('handler broke');
        },
        { port: 0 },
      );
      assert.throws(() => server.serveForever({ signal: 'x' as unknown as AbortSignal }), TypeError);
      assert.throws(() => server.waitClosed({ signal: 'x' as unknown as AbortSignal }), TypeError);
      const serving = createTask(() => server.serveForever(), { name: 'serve' });
      const [reader, writer] = await openConnection({ host: '127.0.0.1', port: portOf(server) });
      assert.equal((await reader.read()).length, 0, 'the failed handler closed its connection');
      await writer[Symbol.asyncDispose]();
      await turns(2);
      assert.match(formatTaskTree(), /serveForever on 127\.0\.0\.1:\d+/);
      serving.cancel();
      await assert.rejects(async () => await serving, CancelledError);
      assert.equal(server.isServing(), false);
      await server.waitClosed();
    });
    await turns(2);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /handler broke/);
  } finally {
    process.off('warning', onWarning);
  }
});

test('cancelling a socket read loses no byte; connect and reads are checkpoints', async () => {
  await run(async () => {
    const go = new Event();
    await using server = await startServer(
      async (_reader, writer) => {
        writer.write('first half ');
        await go.wait();
        writer.write('second half\n');
      },
      { port: 0 },
    );
    const [reader, writer] = await openConnection({ host: '127.0.0.1', port: portOf(server) });
    await assert.rejects(
      timeout(30, () => reader.readline()),
      { name: 'TimeoutError' },
    );
    go.set();
    assert.equal((await reader.readline()).toString(), 'first half second half\n');
    await writer[Symbol.asyncDispose]();
    const task = createTask(() => openConnection({ host: '127.0.0.1', port: portOf(server) }));
    task.cancel();
    await assert.rejects(async () => await task, CancelledError);
  });
});

test('bad arguments throw at the call, naming the argument', () => {
  assert.throws(() => openConnection({ host: '127.0.0.1', port: 70_000 }), /options\.port/);
  assert.throws(() => openConnection({ port: 'x' as unknown as number }), /options\.port/);
  assert.throws(() => openConnection(undefined as unknown as { port: number }), TypeError);
  assert.throws(() => startServer('nope' as unknown as () => Promise<void>), /handler must be a function/);
  assert.throws(() => startServer(echo, { limit: 0 }), RangeError);
  assert.throws(() => openUnixConnection(''), /path/);
});
