// axios with a keep-alive agent, text responses.
import http from 'node:http';
import axios from 'axios';
import { main, measure } from '../../lib/bench-kit.mjs';
import { infoOf, MEASURE, perSecond, startServer, timedRun } from './_work.mjs';

const server = await startServer();
const client = axios.create({
  httpAgent: new http.Agent({ keepAlive: true }),
  responseType: 'text',
  transformResponse: (x) => x,
});
const url = `${server.url}/`;
const get = async () => {
  const res = await client.get(url);
  return [res.status, res.data];
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
