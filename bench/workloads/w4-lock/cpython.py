# CPython asyncio: 100 tasks each take one asyncio.Lock 1,000 times; inside, read a shared counter, yield
# once (asyncio.sleep(0): asyncio has no cheaper yield) and write it back + 1.
import asyncio, json, statistics, time

TASKS = 100
ROUNDS = 1000
counter = 0


async def worker(lock):
    global counter
    for _ in range(ROUNDS):
        async with lock:
            value = counter
            await asyncio.sleep(0)
            counter = value + 1


async def once():
    global counter
    counter = 0
    lock = asyncio.Lock()
    c0 = time.process_time()
    t0 = time.perf_counter()
    async with asyncio.TaskGroup() as tg:
        for _ in range(TASKS):
            tg.create_task(worker(lock))
    ms = (time.perf_counter() - t0) * 1000
    cpu = (time.process_time() - c0) * 1000
    return ms, cpu, counter == TASKS * ROUNDS


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
