# CPython asyncio: 10,000 tasks in asyncio.sleep(10); task.cancel() on each, then gather(*tasks,
# return_exceptions=True). Memory per task from tracemalloc, in runs of their own (tracing slows the rest).
import asyncio, json, statistics, time, tracemalloc

N = 10_000


async def start():
    tasks = [asyncio.create_task(asyncio.sleep(10)) for _ in range(N)]
    await asyncio.sleep(0)  # every task has started and sleeps
    return tasks


async def cancel_and_settle(tasks):
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return sum(1 for t in tasks if t.cancelled())


async def main():
    loop = asyncio.get_running_loop()
    ok, times, cpu, per_task = True, [], [], []
    for k in range(1 + 5):
        tasks = await start()
        t0, c0 = time.perf_counter(), time.process_time()
        ok = ok and (await cancel_and_settle(tasks)) == N
        if k >= 1:
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        del tasks
    for _ in range(3):
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        tasks = await start()
        per_task.append((tracemalloc.get_traced_memory()[0] - before) / N)
        tracemalloc.stop()
        ok = ok and (await cancel_and_settle(tasks)) == N
        del tasks
    leftover = sum(1 for h in loop._scheduled if not h.cancelled())
    info = {
        "bytesPerTask": statistics.median(per_task),
        "cpuMs": statistics.median(cpu),
        "ms": times,
        "timersLeft": leftover,
    }
    return statistics.median(times), ok and leftover == 0, info


value, ok, info = asyncio.run(main())
print(json.dumps({"value": value, "ok": ok, "info": info}))
