#!/usr/bin/env bash
# Packs the package and installs the tarball into a fresh project, then imports every subpath from
# JavaScript and type-checks TypeScript consumers of every subpath (strict, moduleResolution nodenext,
# skipLibCheck: false) against it. Installing prints no npm warning (e.g. install scripts). The CLI's tour runs
# from the install.
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
npm install --no-audit --no-fund "./$tarball" > install.log 2>&1 || { cat install.log; exit 1; }
if grep -qi 'warn' install.log; then echo "installing the tarball printed warnings:"; cat install.log; exit 1; fi
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
# The README is the npm page: a relative link or image there points nowhere, so every one is absolute.
if grep -noE '\]\([^)]*\)' node_modules/asyncio-ts/README.md | grep -vE ':\]\((https?:|#|mailto:)'; then
  echo "README.md: relative links or images (above) do not work on the npm page; use absolute URLs"; exit 1
fi
node -e "
const fs = require('node:fs'), path = require('node:path');
const maps = fs.readdirSync('node_modules/asyncio-ts/dist', { recursive: true }).filter((f) => f.endsWith('.map'));
const bad = maps.filter((f) => { const m = JSON.parse(fs.readFileSync(path.join('node_modules/asyncio-ts/dist', f), 'utf8'));
  return !Array.isArray(m.sourcesContent) || m.sourcesContent.length !== m.sources.length || m.sourcesContent.some((c) => typeof c !== 'string'); });
if (bad.length) { console.error('source maps without their sources: ' + bad.join(', ')); process.exit(1); }
console.log('source maps: ' + maps.length + ', each carries its sources');
"
version=$(./node_modules/.bin/asyncio-ts --version)
echo "bin: asyncio-ts --version → $version"
[ -n "$version" ]
# The tour works from the installed package: the TypeScript it shows and the compiled programs it runs ship.
npx --no-install asyncio-ts tour --list > tour-list.txt
head -n 3 tour-list.txt
grep -q 'hello.ts' tour-list.txt
npx --no-install asyncio-ts tour wait --no-run | grep -q 'asyncio.wait_for'
for program in hello run-in rules/forgotten; do
  npx --no-install asyncio-ts tour "$program" > tour-run.txt 2>&1 || { cat tour-run.txt; exit 1; }
  tail -n 1 tour-run.txt
  grep -q ' 0 failed' tour-run.txt
done
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
  const caught: string = await createTask(async (): Promise<string> => { throw new Error('c'); }).catch(() => 'c');
  return a + String(b) + caught + String(CancelledError.name);
});
console.log(value);
TS
# One consumer file per subpath, so every published .d.ts is checked (skipLibCheck is false) and a
# failure names the subpath. Subpaths come from package.json "exports": new ones are picked up.
for sp in $subpaths; do
  file="consumer_$(echo "$sp" | tr -c 'a-z0-9\n' '_').ts"
  printf "import * as m from '%s';\nexport type Exports = typeof m;\nexport const names: string[] = Object.keys(m);\n" "$sp" > "$file"
done
if echo " $subpaths " | grep -q ' asyncio-ts/testing '; then
  cat > consumer_clock.ts <<'TS'
import { run, sleep, now } from 'asyncio-ts';
import { VirtualClock } from 'asyncio-ts/testing';
const clock = new VirtualClock({ autojump: true });
export const slept: number = await run(async () => { const t0 = now(); await sleep(60_000); return now() - t0; }, { clock });
TS
fi
ls consumer_*.ts
mkdir -p node_modules/@types
cp -r "$root/node_modules/@types/node" node_modules/@types/node
cp -r "$root/node_modules/undici-types" node_modules/undici-types 2>/dev/null || true
{ node "$root/node_modules/typescript/bin/tsc" -p tsconfig.json --listFilesOnly || true; } | grep -c "node_modules/asyncio-ts/dist/.*\\.d\\.ts$" | sed "s/^/published .d.ts files checked: /"
node "$root/node_modules/typescript/bin/tsc" -p tsconfig.json
echo "TS typecheck ok (strict, skipLibCheck: false, every subpath)"
