// Twin of the seed's aiohttp program: three requests to /delay/1, /delay/2 and /delay/3 gathered through one
// ClientSession. The seed's public host (httpbin.org) is not reachable from here, so the example starts the
// local test server, which serves the same routes on 127.0.0.1. The waits overlap: about 3 s in all, not 6.
import { gather, run } from 'asyncio-ts';
import { ClientSession } from 'asyncio-ts/http';
import { startTestServer } from 'asyncio-ts/testing';

await using server = await startTestServer();

const URLS = [`${server.url}/delay/1`, `${server.url}/delay/2`, `${server.url}/delay/3`];

async function fetch(session: ClientSession, url: string): Promise<[string, number]> {
  await using resp = await session.get(url);
  return [url, resp.status];
}

async function main(): Promise<void> {
  const t0 = performance.now();
  {
    await using session = new ClientSession();
    const results = await gather(...URLS.map((u) => () => fetch(session, u)));
    for (const [url, status] of results) console.log(status, url);
  }
  console.log(`total: ${((performance.now() - t0) / 1000).toFixed(1)} s (the three waits overlap)`);
}

await run(main);
