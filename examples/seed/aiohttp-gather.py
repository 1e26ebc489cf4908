import asyncio, aiohttp
URLS = [
    "https://httpbin.org/delay/1",
    "https://httpbin.org/delay/2",
    "https://httpbin.org/delay/3",
]
async def fetch(session, url):
    async with session.get(url) as resp:
        return url, resp.status
async def main():
    async with aiohttp.ClientSession() as session:
        results = await asyncio.gather(*(fetch(session, u) for u in URLS))
        for url, status in results:
            print(status, url)
asyncio.run(main())
