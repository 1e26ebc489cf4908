// Summarises a V8 CPU profile (`node --cpu-prof`): the functions with the most self time, and the callers of
// the top ones. Usage: node bench/lib/cpuprofile-top.mjs <file.cpuprofile> [count = 25] [filter]
// where `filter` keeps only functions whose URL contains it (e.g. `dist/` for asyncio-ts itself).
import { readFileSync } from 'node:fs';

const [file, countArg, filter] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node bench/lib/cpuprofile-top.mjs <file.cpuprofile> [count] [url filter]');
  process.exit(2);
}
const count = Number(countArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);

// Self time per node from the sample intervals.
const selfUs = new Map();
const { samples, timeDeltas } = profile;
for (let i = 0; i < samples.length; i++) {
  selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + (timeDeltas[i + 1] ?? 0));
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

function keyOf(node) {
  const f = node.callFrame;
  const where = f.url
    ? `${f.url.replace(/^.*\/(node_modules|dist|bench)\//, '$1/')}:${f.lineNumber + 1}`
    : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
}

const byFunction = new Map();
const callers = new Map();
for (const [id, us] of selfUs) {
  const node = nodes.get(id);
  if (filter !== undefined && !node.callFrame.url.includes(filter)) continue;
  const key = keyOf(node);
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const parent = nodes.get(parentOf.get(id));
  if (parent !== undefined) {
    const m = callers.get(key) ?? new Map();
    const pk = keyOf(parent);
    m.set(pk, (m.get(pk) ?? 0) + us);
    callers.set(key, m);
  }
}

const rows = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, count);
console.log(`total sampled: ${(total / 1000).toFixed(1)} ms`);
for (const [key, us] of rows) {
  const pct = ((us / total) * 100).toFixed(1).padStart(5);
  console.log(`${pct}%  ${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`);
  const top = [...(callers.get(key) ?? [])].sort((a, b) => b[1] - a[1]).slice(0, 2);
  for (const [caller, cus] of top)
    console.log(`${''.padStart(22)}← ${caller} (${(cus / 1000).toFixed(1)} ms)`);
}
