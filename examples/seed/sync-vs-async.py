import time, asyncio
# ----- synchronous -----
def sync_job(i):
    time.sleep(1) # blocks entire thread
    return f"sync {i}"
def sync_main():
    start = time.time()
    results = [sync_job(i) for i in range(5)]
    print(results, f"{time.time()-start:.2f}s")
# ----- asynchronous -----
async def async_job(i):
    await asyncio.sleep(1) # yields to the loop
    return f"async {i}"
async def async_main():
    start = time.time()
    results = await asyncio.gather(*(async_job(i) for i in range(5)))
    print(results, f"{time.time()-start:.2f}s")
if __name__ == "__main__":
    sync_main() # ≈ 5 seconds
    asyncio.run(async_main()) # ≈ 1 second
