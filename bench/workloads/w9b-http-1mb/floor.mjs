// Floor: raw undici `Pool.request` (its default options), body read whole with `body.arrayBuffer()`.
import { Pool } from 'undici';
import { main, measure } from '../../lib/bench-kit.mjs';
import { infoOf, MEASURE, mibPerSecond, startServer, timedRun } from './_work.mjs';

const server = await startServer();
const pool = new Pool(server.url);
const get = async () => {
  const { body } = await pool.request({ path: '/', method: 'GET' });
  return (await body.arrayBuffer()).byteLength;
};
await main(async () => {
  const state = { ok: true };
  try {
    const m = await measure(() => timedRun(get, state), MEASURE);
    return { value: mibPerSecond(m.median), ok: state.ok, info: infoOf(m) };
  } finally {
    await pool.close();
    await server.close();
  }
});
