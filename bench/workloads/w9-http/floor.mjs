// Floor: raw undici `Pool.request` (its default options) and `body.text()`.
import { Pool } from 'undici';
import { main, measure } from '../../lib/bench-kit.mjs';
import { infoOf, MEASURE, perSecond, startServer, timedRun } from './_work.mjs';

const server = await startServer();
const pool = new Pool(server.url);
const get = async () => {
  const { statusCode, body } = await pool.request({ path: '/', method: 'GET' });
  return [statusCode, await body.text()];
};
await main(async () => {
  const state = { ok: true };
  try {
    const m = await measure(() => timedRun(get, state), MEASURE);
    return {
      value: perSecond(m.median),
      ok: state.ok,
      info: infoOf(m, { connections: pool.stats.connected }),
    };
  } finally {
    await pool.close();
    await server.close();
  }
});
