# CPython asyncio: gather of 100,000 coroutines that each yield once (asyncio.sleep(0)).
import asyncio, json, statistics, time

N = 100_000


async def work(i):
    await asyncio.sleep(0)
    return i


async def once():
    t0 = time.perf_counter()
    results = await asyncio.gather(*[work(i) for i in range(N)])
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
