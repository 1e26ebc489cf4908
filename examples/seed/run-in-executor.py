import asyncio, time
def blocking_io(n):
    time.sleep(1) # blocks the thread
    return n * n
async def main():
    loop = asyncio.get_running_loop()
    # Offload to a default ThreadPoolExecutor
    results = await asyncio.gather(
        loop.run_in_executor(None, blocking_io, 3),
        loop.run_in_executor(None, blocking_io, 4),
    )
    print(results)
asyncio.run(main())
