import v8 from 'node:v8';
import { ClientSession } from 'asyncio-ts/http';
import { startServer, timedRun } from '/work/main/bench/workloads/w9-http/_work.mjs';

const server = await startServer();
const session = new ClientSession();
const url = `${server.url}/`;
const get = async () => {
  const res = await session.get(url);
  return [res.status, await res.text()];
};
async function counts() {
  const chunks = [];
  for await (const c of v8.getHeapSnapshot()) chunks.push(c);
  const snap = JSON.parse(Buffer.concat(chunks).toString());
  const f = snap.snapshot.meta.node_fields;
  const nf = f.length;
  const typeIdx = f.indexOf('type'),
    nameIdx = f.indexOf('name'),
    sizeIdx = f.indexOf('self_size');
  const types = snap.snapshot.meta.node_types[0];
  const m = new Map();
  for (let i = 0; i < snap.nodes.length; i += nf) {
    const t = types[snap.nodes[i + typeIdx]];
    if (t !== 'object' && t !== 'closure' && t !== 'array') continue;
    const name = `${t}:${snap.strings[snap.nodes[i + nameIdx]]}`;
    const e = m.get(name) ?? [0, 0];
    e[0]++;
    e[1] += snap.nodes[i + sizeIdx];
    m.set(name, e);
  }
  return m;
}
await timedRun(get, { ok: true });
globalThis.gc?.();
const a = await counts();
await timedRun(get, { ok: true });
await timedRun(get, { ok: true });
const b = await counts();
const diff = [...b.entries()]
  .map(([k, v]) => [k, v[0] - (a.get(k)?.[0] ?? 0), v[1] - (a.get(k)?.[1] ?? 0)])
  .sort((x, y) => y[2] - x[2])
  .slice(0, 25);
for (const d of diff) console.log(d.join('\t'));
console.log(process.memoryUsage());
await session.close();
await server.close();
