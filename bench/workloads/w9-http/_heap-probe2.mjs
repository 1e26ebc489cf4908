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
await timedRun(get, { ok: true });
await timedRun(get, { ok: true });
const chunks = [];
for await (const c of v8.getHeapSnapshot()) chunks.push(c);
const snap = JSON.parse(Buffer.concat(chunks).toString());
const f = snap.snapshot.meta.node_fields;
const nf = f.length;
const ef = snap.snapshot.meta.edge_fields;
const en = ef.length;
const typeIdx = f.indexOf('type'),
  nameIdx = f.indexOf('name'),
  ecIdx = f.indexOf('edge_count');
const types = snap.snapshot.meta.node_types[0];
const etypes = snap.snapshot.meta.edge_types[0];
const N = snap.nodes.length / nf;
const firstEdge = new Uint32Array(N + 1);
for (let i = 0, e = 0; i < N; i++) {
  firstEdge[i] = e;
  e += snap.nodes[i * nf + ecIdx] * en;
}
const retainers = new Map();
for (let i = 0; i < N; i++) {
  for (let e = firstEdge[i]; e < firstEdge[i] + snap.nodes[i * nf + ecIdx] * en; e += en) {
    const to = snap.edges[e + ef.indexOf('to_node')] / nf;
    const et = etypes[snap.edges[e + ef.indexOf('type')]];
    const nameOrIdx = snap.edges[e + ef.indexOf('name_or_index')];
    const ename = et === 'element' || et === 'hidden' ? `[${nameOrIdx}]` : snap.strings[nameOrIdx];
    if (!retainers.has(to)) retainers.set(to, []);
    retainers.get(to).push([i, ename]);
  }
}
const desc = (i) => `${types[snap.nodes[i * nf + typeIdx]]}:${snap.strings[snap.nodes[i * nf + nameIdx]]}`;
const counts = new Map();
const samples = 0;
for (let i = 0; i < N; i++) {
  if (desc(i) !== 'object:Array') continue;
  // path of 4 retainers
  const path = [];
  let cur = i;
  for (let d = 0; d < 5; d++) {
    const r = (retainers.get(cur) ?? []).filter(([p]) => !desc(p).startsWith('synthetic'))[0];
    if (!r) break;
    path.push(`${desc(r[0])}.${r[1]}`);
    cur = r[0];
  }
  const key = path.join(' <- ');
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
for (const [k, v] of [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(v, k);
await session.close();
await server.close();
