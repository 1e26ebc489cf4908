import { ClientSession } from 'asyncio-ts/http';
import { Pool } from 'undici';
import { startServer, timedRun } from '/work/main/bench/workloads/w9-http/_work.mjs';

const server = await startServer();
const pool = new Pool(server.url);
const url = `${server.url}/`;
const s1 = new ClientSession();
const s2 = new ClientSession({ timeout: { total: null } });
const s3 = new ClientSession({ timeout: { total: null }, limit: 0 });
const impls = {
  floor: async () => {
    const { statusCode, body } = await pool.request({ path: '/', method: 'GET' });
    return [statusCode, await body.text()];
  },
  ours: async () => {
    const res = await s1.get(url);
    return [res.status, await res.text()];
  },
  noTotal: async () => {
    const res = await s2.get(url);
    return [res.status, await res.text()];
  },
  noTotalNoLimit: async () => {
    const res = await s3.get(url);
    return [res.status, await res.text()];
  },
};
const res = Object.fromEntries(Object.keys(impls).map((k) => [k, []]));
for (let round = 0; round < 6; round++) {
  for (const name of Object.keys(impls)) {
    const state = { ok: true };
    const c0 = process.cpuUsage();
    const ms = await timedRun(impls[name], state);
    const c = process.cpuUsage(c0);
    if (round > 0) res[name].push({ ms, cpuUs: (c.user + c.system) / 20000 });
  }
}
for (const name of Object.keys(res)) {
  const cpu = res[name].map((r) => r.cpuUs).sort((a, b) => a - b);
  const ms = res[name].map((r) => r.ms).sort((a, b) => a - b);
  console.log(
    name.padEnd(16),
    'cpu us/req',
    cpu[2].toFixed(1),
    'wall ms',
    ms[2].toFixed(0),
    'req/s',
    Math.round((20000 / ms[2]) * 1000),
  );
}
for (const s of [s1, s2, s3]) console.log([...s.hosts.values()][0].pool.stats.connected);
console.log('floor conns', pool.stats.connected);
await pool.close();
await s1.close();
await s2.close();
await s3.close();
await server.close();
