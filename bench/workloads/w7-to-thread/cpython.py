# CPython asyncio: 10,000 tiny jobs (n -> n + 1) through asyncio.to_thread (the default ThreadPoolExecutor,
# min(32, cpus + 4) threads), gathered. For reference: Python threads share one interpreter (the GIL), so
# this measures the hand-off cost, as the Node implementations do.
import asyncio, json, os, statistics, time

N = 10_000


def increment(n):
    return n + 1


async def once():
    t0 = time.perf_counter()
    results = await asyncio.gather(*(asyncio.to_thread(increment, i) for i in range(N)))
    ms = (time.perf_counter() - t0) * 1000
    return ms, results == [i + 1 for i in range(N)]


async def main():
    await once()  # warm-up: starts the threads
    samples, ok = [], True
    for _ in range(5):
        ms, good = await once()
        samples.append(ms)
        ok = ok and good
    print(json.dumps({"value": statistics.median(samples), "ok": ok,
                      "info": {"threads": min(32, (os.cpu_count() or 1) + 4),
                               "samples": [round(s, 1) for s in samples]}}))


asyncio.run(main())
