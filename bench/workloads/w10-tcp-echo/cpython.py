# CPython asyncio streams: the same shape as the Node implementations (server and 64 clients in one process,
# 200 round trips of 1 KiB each, readexactly on the client, the docs' read/write/drain loop on the server).
import asyncio, json, statistics, time

CONNECTIONS, ROUNDS, SIZE = 64, 200, 1024


def message_for(c):
    return bytes(((c * 31 + i) & 0xFF) for i in range(SIZE))


async def handle_echo(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()


async def client(port, c):
    message = message_for(c)
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    ok = True
    for _ in range(ROUNDS):
        writer.write(message)
        await writer.drain()
        ok = ok and (await reader.readexactly(SIZE)) == message
    writer.close()
    await writer.wait_closed()
    return ok


async def once(port):
    t0 = time.perf_counter()
    results = await asyncio.gather(*(client(port, c) for c in range(CONNECTIONS)))
    return (time.perf_counter() - t0) * 1000, all(results)


async def main():
    server = await asyncio.start_server(handle_echo, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    ok = True
    for _ in range(2):
        _, good = await once(port)
        ok = ok and good
    samples, cpu = [], []
    for _ in range(5):
        c0 = time.process_time()
        ms, good = await once(port)
        cpu.append((time.process_time() - c0) * 1000)
        samples.append(ms)
        ok = ok and good
    server.close()
    await server.wait_closed()
    print(json.dumps({"value": statistics.median(samples), "ok": ok,
                       "info": {"cpuMs": round(statistics.median(cpu), 1), "connections": CONNECTIONS, "rounds": ROUNDS,
                               "samples": [round(s, 1) for s in samples]}}))


asyncio.run(main())
