// asyncio-ts: one ClientSession (its default options: limit 100, total timeout 5 min), `get` then `text()`.
import { ClientSession } from 'asyncio-ts/http';
import { main, measure } from '../../lib/bench-kit.mjs';
import { infoOf, MEASURE, perSecond, startServer, timedRun } from './_work.mjs';

const server = await startServer();
const session = new ClientSession();
const url = `${server.url}/`;
const get = async () => {
  const res = await session.get(url);
  return [res.status, await res.text()];
};
await main(async () => {
  const state = { ok: true };
  try {
    const m = await measure(() => timedRun(get, state), MEASURE);
    return { value: perSecond(m.median), ok: state.ok, info: infoOf(m) };
  } finally {
    await session.close();
    await server.close();
  }
});
