// asyncio-ts: one ClientSession (default options), `get` then `bytes()`.
import { ClientSession } from 'asyncio-ts/http';
import { main, measure } from '../../lib/bench-kit.mjs';
import { infoOf, MEASURE, mibPerSecond, startServer, timedRun } from './_work.mjs';

const server = await startServer();
const session = new ClientSession();
const url = `${server.url}/`;
const get = async () => (await (await session.get(url)).bytes()).byteLength;
await main(async () => {
  const state = { ok: true };
  try {
    const m = await measure(() => timedRun(get, state), MEASURE);
    return { value: mibPerSecond(m.median), ok: state.ok, info: infoOf(m) };
  } finally {
    await session.close();
    await server.close();
  }
});
