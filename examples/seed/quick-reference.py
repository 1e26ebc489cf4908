import asyncio
async def main():
    # 1) create tasks
    t1 = asyncio.create_task(coro1())
    t2 = asyncio.create_task(coro2())
    # 2) run other awaits while tasks progress
    result = await some_other_coro()
    # 3) gather results
    await asyncio.gather(t1, t2)
if __name__ == "__main__":
    asyncio.run(main())
