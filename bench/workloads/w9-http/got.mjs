// got 14 with a keep-alive agent, text responses.
import http from 'node:http';
import got from 'got';
import { main, measure } from '../../lib/bench-kit.mjs';
import { infoOf, MEASURE, perSecond, startServer, timedRun } from './_work.mjs';

const server = await startServer();
const client = got.extend({ agent: { http: new http.Agent({ keepAlive: true }) }, retry: { limit: 0 } });
const url = `${server.url}/`;
const get = async () => {
  const res = await client.get(url);
  return [res.statusCode, res.body];
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
