# CPython asyncio: a TaskGroup with 100,000 tasks that each yield once (asyncio.sleep(0)).
import asyncio, json, statistics, time

N = 100_000


async def work(i):
    await asyncio.sleep(0)
    return i


async def once():
    t0, c0 = time.perf_counter(), time.process_time()
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(work(i)) for i in range(N)]
    results = [t.result() for t in tasks]
    ms = (time.perf_counter() - t0) * 1000
    cpu = (time.process_time() - c0) * 1000
    return ms, cpu, results == list(range(N))


async def main():
    await once()  # warm-up
    samples, cpu, ok = [], [], True
    for _ in range(2):
        ms, c, good = await once()
        samples.append(ms)
        cpu.append(c)
        ok = ok and good
    return samples, cpu, ok


samples, cpu, ok = asyncio.run(main())
info = {"samples": samples, "cpuMs": statistics.median(cpu)}
print(json.dumps({"value": statistics.median(samples), "ok": ok, "info": info}))
