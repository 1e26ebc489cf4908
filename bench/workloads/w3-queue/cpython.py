# CPython asyncio: asyncio.Queue(1000), one producer task, four consumer tasks, task_done()/join(),
# None-like sentinels (-1) to stop: the seed's program at 1,000,000 items.
import asyncio, json, statistics, time

N = 1_000_000
MAXSIZE = 1000
CONSUMERS = 4
SENTINEL = -1


async def once():
    q = asyncio.Queue(MAXSIZE)
    counts = [0] * CONSUMERS
    sums = [0] * CONSUMERS

    async def consumer(c):
        while True:
            item = await q.get()
            if item == SENTINEL:
                break
            counts[c] += 1
            sums[c] += item
            q.task_done()

    async def producer():
        for i in range(N):
            await q.put(i)

    t0 = time.perf_counter()
    c0 = time.process_time()
    consumers = [asyncio.create_task(consumer(c)) for c in range(CONSUMERS)]
    await asyncio.create_task(producer())
    await q.join()
    for _ in range(CONSUMERS):
        await q.put(SENTINEL)
    await asyncio.gather(*consumers)
    ms = (time.perf_counter() - t0) * 1000
    cpu_ms = (time.process_time() - c0) * 1000
    return ms, cpu_ms, sum(counts) == N and sum(sums) == N * (N - 1) // 2, counts


async def main():
    await once()  # warm-up
    samples, cpu, ok, counts = [], [], True, None
    for _ in range(3):
        ms, cpu_ms, good, counts = await once()
        samples.append(ms)
        cpu.append(cpu_ms)
        ok = ok and good
    return samples, cpu, ok, counts


samples, cpu, ok, counts = asyncio.run(main())
info = {"samples": samples, "cpuMs": statistics.median(cpu), "perConsumer": counts}
print(json.dumps({"value": statistics.median(samples), "ok": ok, "info": info}))
