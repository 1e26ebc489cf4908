import asyncio
async def slow():
    await asyncio.sleep(5)
async def main():
    try:
        await asyncio.wait_for(slow(), timeout=1.0)
    except asyncio.TimeoutError:
        print("Timed out!")
asyncio.run(main())
