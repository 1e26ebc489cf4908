import asyncio
async def hello():
    await asyncio.sleep(1) # pretend to wait on I/O
    return "Hello, asyncio!"
result = asyncio.run(hello()) # creates/runs the event loop for you
print(result)
