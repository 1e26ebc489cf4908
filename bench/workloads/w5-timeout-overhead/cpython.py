# CPython asyncio: `async with asyncio.timeout(1)` around each operation. The operation yields once to the
# event loop (asyncio.sleep(0)). Awaiting an already-completed future instead never enters the loop, so the
# cancelled timer handles of asyncio.timeout pile up in the loop's heap and the extra cost doubles: that
# variant would measure a pathology rather than the timeout.
import asyncio, json, statistics, time

N = 100_000


async def op(i):
    await asyncio.sleep(0)
    return i


async def bare():
    total = 0
    for i in range(N):
        total += await op(i)
    return total


async def timed():
    total = 0
    for i in range(N):
        async with asyncio.timeout(1):
            total += await op(i)
    return total


async def main():
    loop = asyncio.get_running_loop()
    expected = N * (N - 1) // 2
    ok, extras, cpu_extras = True, [], []
    warmup, pairs, budget = 1, 5, 15.0
    started = time.perf_counter()
    for k in range(warmup + pairs):
        # A loaded machine stops early (one warm-up, three pairs) to keep the whole run bounded.
        if len(extras) >= 3 and time.perf_counter() - started > budget:
            break
        order = [bare, timed] if k % 2 == 0 else [timed, bare]
        times, cpu = {}, {}
        for f in order:
            t0, c0 = time.perf_counter(), time.process_time()
            ok = ok and (await f()) == expected
            times[f] = time.perf_counter() - t0
            cpu[f] = time.process_time() - c0
        if k >= warmup:
            extras.append((times[timed] - times[bare]) * 1e6 / N)
            cpu_extras.append((cpu[timed] - cpu[bare]) * 1e6 / N)
    # asyncio.timeout cancels its TimerHandle on exit; none may be left armed.
    leftover = sum(1 for h in loop._scheduled if not h.cancelled())
    return statistics.median(extras), ok and leftover == 0, {"extras": extras, "cpuExtra": statistics.median(cpu_extras), "timersLeft": leftover}


value, ok, info = asyncio.run(main())
print(json.dumps({"value": value, "ok": ok, "info": info}))
