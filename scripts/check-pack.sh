#!/usr/bin/env bash
# Packs the package and installs the tarball into a fresh project, then imports every subpath from
# JavaScript and type-checks a TypeScript file (strict, moduleResolution nodenext) against it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
cd "$work"
cat > package.json <<'JSON'
{ "name": "pack-check", "version": "1.0.0", "private": true, "type": "module" }
JSON
npm install --no-audit --no-fund --silent "./$tarball"
subpaths=$(node -e "const e=require('./node_modules/asyncio-ts/package.json').exports; console.log(Object.keys(e).filter(k=>k!=='./package.json').map(k=>k==='.'?'asyncio-ts':'asyncio-ts/'+k.slice(2)).join(' '))")
echo "subpaths: $subpaths"
{
  for sp in $subpaths; do echo "import * as m_$(echo "$sp" | tr -c 'a-z0-9\n' '_') from '$sp';"; done
  echo "import { run, sleep, gather } from 'asyncio-ts';"
  echo "const r = await run(async () => (await gather(() => sleep(5, 'a'), () => sleep(1, 'b'))).join(''));"
  echo "if (r !== 'ab') throw new Error('unexpected ' + r);"
  for sp in $subpaths; do echo "if (Object.keys(m_$(echo "$sp" | tr -c 'a-z0-9\n' '_')).length === 0) throw new Error('empty $sp');"; done
  echo "console.log('JS import ok');"
} > check.mjs
node check.mjs
version=$(./node_modules/.bin/asyncio-ts --version)
echo "bin: asyncio-ts --version → $version"
[ -n "$version" ]
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "strict": true, "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022",
  "lib": ["es2023", "esnext.disposable"], "types": ["node"], "noEmit": true, "skipLibCheck": false } }
JSON
cat > check.ts <<'TS'
import { run, sleep, gather, createTask, type Task, timeout, TimeoutError, CancelledError } from 'asyncio-ts';
const value: string = await run(async () => {
  const t: Task<number> = createTask(async () => 1);
  const [a, b]: [string, number] = await gather(() => sleep(1, 'x'), t);
  try { await timeout(1, () => sleep(100)); } catch (e) { if (!(e instanceof TimeoutError)) throw e; }
  return a + String(b) + String(CancelledError.name);
});
console.log(value);
TS
mkdir -p node_modules/@types
cp -r "$root/node_modules/@types/node" node_modules/@types/node
cp -r "$root/node_modules/undici-types" node_modules/undici-types 2>/dev/null || true
node "$root/node_modules/typescript/bin/tsc" -p tsconfig.json
echo "TS typecheck ok"
