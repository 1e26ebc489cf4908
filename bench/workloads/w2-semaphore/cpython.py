# CPython asyncio: gather of 100,000 coroutines that each take an asyncio.Semaphore(100) and await one
# loop turn (asyncio.sleep(0), the counterpart of a setImmediate) inside it.
import asyncio, json, statistics, time

N = 100_000
LIMIT = 100
active = 0
peak = 0


async def job(i):
    global active, peak
    active += 1
    peak = max(peak, active)
    await asyncio.sleep(0)
    active -= 1
    return i


async def limited(sem, i):
    async with sem:
        return await job(i)


async def once():
    global peak
    peak = 0
    sem = asyncio.Semaphore(LIMIT)
    c0 = time.process_time()
    t0 = time.perf_counter()
    results = await asyncio.gather(*[limited(sem, i) for i in range(N)])
    ms = (time.perf_counter() - t0) * 1000
    cpu = (time.process_time() - c0) * 1000
    return ms, cpu, results == list(range(N)) and peak == LIMIT


async def main():
    await once()  # warm-up
    samples, cpu, ok = [], [], True
    for _ in range(3):
        ms, cpu_ms, good = await once()
        samples.append(ms)
        cpu.append(cpu_ms)
        ok = ok and good
    return samples, cpu, ok


samples, cpu, ok = asyncio.run(main())
info = {"samples": samples, "cpuMs": statistics.median(cpu)}
print(json.dumps({"value": statistics.median(samples), "ok": ok, "info": info}))
