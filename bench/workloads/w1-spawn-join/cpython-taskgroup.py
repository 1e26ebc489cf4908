# CPython asyncio: a TaskGroup with 100,000 tasks that each yield once (asyncio.sleep(0)).
import asyncio, json, statistics, time

N = 100_000


async def work(i):
    await asyncio.sleep(0)
    return i


async def once():
    t0 = time.perf_counter()
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(work(i)) for i in range(N)]
    results = [t.result() for t in tasks]
    ms = (time.perf_counter() - t0) * 1000
    return ms, results == list(range(N))


async def main():
    await once()  # warm-up
    samples, ok = [], True
    for _ in range(2):
        ms, good = await once()
        samples.append(ms)
        ok = ok and good
    return samples, ok


samples, ok = asyncio.run(main())
print(json.dumps({"value": statistics.median(samples), "ok": ok, "info": {"samples": samples}}))
