# CPython asyncio: 1,000 runs of /bin/true via create_subprocess_exec + wait, at most 16 at once (Semaphore).
import asyncio, json, statistics, time

N, CONCURRENCY, PROGRAM = 1000, 16, '/bin/true'


async def once():
    sem = asyncio.Semaphore(CONCURRENCY)

    async def job():
        async with sem:
            proc = await asyncio.create_subprocess_exec(PROGRAM)
            return (await proc.wait()) == 0

    t0 = time.perf_counter()
    results = await asyncio.gather(*(job() for _ in range(N)))
    return (time.perf_counter() - t0) * 1000, all(results)


async def main():
    _, ok = await once()
    samples, cpu = [], []
    for _ in range(3):
        c0 = time.process_time()
        ms, good = await once()
        cpu.append((time.process_time() - c0) * 1000)
        samples.append(ms)
        ok = ok and good
    print(json.dumps({"value": statistics.median(samples), "ok": ok,
                       "info": {"cpuMs": round(statistics.median(cpu), 1), "processes": N, "samples": [round(s, 1) for s in samples]}}))


asyncio.run(main())
