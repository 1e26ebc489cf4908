import asyncio
async def producer(q):
    for i in range(10):
        await q.put(f"task-{i}") # enqueue work
    for _ in range(3): # tell consumers to stop
        await q.put(None)
async def consumer(name, q):
    while True:
        item = await q.get()
        if item is None:
            break # shutdown signal
        await asyncio.sleep(0.3) # simulate work
        print(f"{name} processed {item}")
        q.task_done()
async def main():
    q = asyncio.Queue()
    prod = asyncio.create_task(producer(q))
    consumers = [asyncio.create_task(consumer(f"C{i}", q)) for i in range(3)]
    await prod
    await q.join() # wait until queue is empty
    for c in consumers:
        await c # finish (after receiving None)
asyncio.run(main())
