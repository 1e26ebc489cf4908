import asyncio
import random
async def fetch(i):
    # Simulate a variable I/O wait (e.g., HTTP call)
    await asyncio.sleep(random.uniform(0.2, 1.0))
    return f"item-{i}"
async def worker(i, sem):
    async with sem: # limit concurrent operations
        result = await fetch(i)
        print(f"done: {result}")
        return result
async def main():
    sem = asyncio.Semaphore(5) # at most 5 concurrent fetches
    tasks = [worker(i, sem) for i in range(30)]
    results = await asyncio.gather(*tasks)
    print("Total:", len(results))
asyncio.run(main())
