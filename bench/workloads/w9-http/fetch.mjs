// Node's global fetch (undici inside Node; keep-alive by default) and `res.text()`.
import { main, measure } from '../../lib/bench-kit.mjs';
import { infoOf, MEASURE, perSecond, startServer, timedRun } from './_work.mjs';

const server = await startServer();
const url = `${server.url}/`;
const get = async () => {
  const res = await fetch(url);
  return [res.status, await res.text()];
};
await main(async () => {
  const state = { ok: true };
  try {
    const m = await measure(() => timedRun(get, state), MEASURE);
    return { value: perSecond(m.median), ok: state.ok, info: infoOf(m) };
  } finally {
    await server.close();
  }
});
