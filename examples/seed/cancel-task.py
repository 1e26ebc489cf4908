import asyncio
async def long_running():
    try:
        while True:
            await asyncio.sleep(0.5)
            print("working...")
    except asyncio.CancelledError:
        print("cancelling: cleaning up...")
        # close files/sockets here
        raise
async def main():
    t = asyncio.create_task(long_running())
    await asyncio.sleep(2)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("task cancelled")
asyncio.run(main())
