/**
 * `asyncio-ts tour [name]`: each program of the seed document in turn: its Python beside our TypeScript
 * twin, then the twin runs (in its own process, as each seed program is its own script) and the tour
 * prints what the document claims beside what was measured. It ends with the seed's rules of thumb shown
 * live. The programs are the repository's `examples/` (`EXAMPLES` in `examples/run-all.mjs`). From a clone
 * (this module is `src/cli/tour.ts`, run by tsx) the twins run from their TypeScript with tsx; from the built or
 * installed package (`dist/cli/tour.js`, `npx asyncio-ts tour`) they run compiled, from `dist/examples/`, with
 * plain node: the package ships both, the TypeScript to show and the JavaScript to run.
 * @module
 * @internal
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CommandError, parseCommandLine, stringOption, UsageError } from './args.js';
import { type Block, sideBySide, sideBySideWidth, stacked } from './columns.js';
import { type Style, styleFor } from './style.js';
import {
  judgeExtra,
  RULES_OF_THUMB,
  type RuleOfThumb,
  type SeedProgram,
  seedProgramOf,
  type TourRun,
  type Verdict,
} from './tour-programs.js';
import type { RunReport } from './tour-runner.js';

export const help = `Usage: asyncio-ts tour [name] [options]

Walks through the programs of the asyncio tutorial this library grew from: for each, the tutorial's
Python beside its TypeScript twin; then the twin runs and the tour prints what the tutorial claims
beside what was measured. Ends with the tutorial's rules of thumb, shown live.

Arguments:
  name               only the programs whose file starts with this (e.g. sync, wait) or the Nth one

Options:
  --list             list the programs and exit
  --no-run           show the code, do not run it
  --layout <how>     side (Python beside TypeScript), stacked, or auto (side when the terminal is wide
                     enough; the default)
  -h, --help         show this help

Works from an install (npx asyncio-ts tour) and from a clone (npm ci && npm start).`;

interface Example {
  file: string;
  title: string;
}

/** A program the tour shows: an example (or a rule of thumb), its seed program and how to judge a run. */
interface Stop {
  file: string;
  title: string;
  seed: SeedProgram | undefined;
  variant: boolean;
  rule?: RuleOfThumb;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Running from the TypeScript source (a clone, under tsx) rather than the compiled package. */
const FROM_SOURCE = extname(fileURLToPath(import.meta.url)) === '.ts';
const RUNNER = fileURLToPath(new URL(`./tour-runner${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url));

/** The file that runs for an example: its TypeScript under tsx, or its compiled twin in dist/examples. */
function programPath(file: string): string {
  return FROM_SOURCE ? join('examples', file) : join('dist', 'examples', file.replace(/\.ts$/, '.js'));
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    { list: { type: 'boolean' }, 'no-run': { type: 'boolean' }, layout: { type: 'string' } },
    1,
  );
  if (parsed.values.help === true) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const layout = stringOption(parsed, 'layout') ?? 'auto';
  if (layout !== 'auto' && layout !== 'side' && layout !== 'stacked') {
    throw new UsageError(`--layout must be side, stacked or auto, received '${layout}'`);
  }
  const examples = await loadExamples();
  const stops = select([...examples.map(toStop), ...RULES_OF_THUMB.map(ruleStop)], parsed.positionals[0]);
  const style = styleFor();
  if (parsed.values.list === true) {
    stops.forEach((stop, i) => {
      const seed =
        stop.rule !== undefined
          ? "the seed's rules of thumb"
          : stop.seed === undefined
            ? 'beyond the seed'
            : `seed: ${stop.seed.seed}.py`;
      process.stdout.write(
        `${String(i + 1).padStart(2)}. ${stop.file.padEnd(24)} ${stop.title}  ${style.dim(`(${seed})`)}\n`,
      );
    });
    return 0;
  }
  const execute = parsed.values['no-run'] !== true;
  if (execute && FROM_SOURCE) checkTsx();

  const results: Array<{ stop: Stop; verdict: Verdict | undefined; failed: boolean }> = [];
  for (const [i, stop] of stops.entries()) {
    show(stop, i + 1, stops.length, layout, style);
    if (!execute) continue;
    const report = await runExample(stop, style);
    const failed = report.exitCode !== 0 || report.error !== undefined;
    const verdict = judge(stop, report);
    results.push({ stop, verdict, failed });
    printVerdict(stop, verdict, failed, report, style);
  }
  if (!execute) return 0;
  printSummary(results, style);
  return results.some((r) => r.failed) ? 1 : 0;
}

async function loadExamples(): Promise<Example[]> {
  const list = join(ROOT, 'examples', 'run-all.mjs');
  if (!existsSync(list)) {
    throw new CommandError(
      `the tour's programs are missing from ${ROOT} (examples/run-all.mjs): reinstall asyncio-ts, ` +
        'or from a clone run npm ci && npm start',
    );
  }
  const module = (await import(pathToFileURL(list).href)) as { EXAMPLES: Example[] };
  return module.EXAMPLES;
}

function toStop(example: Example): Stop {
  const stem = example.file.replace(/\.[cm]?[jt]s$/, '');
  const seed = seedProgramOf(stem);
  return { file: example.file, title: example.title, seed: seed?.program, variant: seed?.variant ?? false };
}

function ruleStop(rule: RuleOfThumb): Stop {
  return { file: rule.file, title: rule.title, seed: undefined, variant: false, rule };
}

function select(stops: Stop[], name: string | undefined): Stop[] {
  if (name === undefined) return stops;
  if (/^\d+$/.test(name)) {
    const stop = stops[Number(name) - 1];
    if (stop === undefined) throw new UsageError(`there are ${stops.length} programs, no program ${name}`);
    return [stop];
  }
  const chosen = stops.filter((s) => s.file.startsWith(name));
  if (chosen.length === 0) {
    const names = stops.map((s) => s.file.replace(/\.ts$/, '')).join(', ');
    throw new UsageError(`no program named '${name}' (programs: ${names})`);
  }
  return chosen;
}

function checkTsx(): void {
  try {
    createRequire(join(ROOT, 'package.json')).resolve('tsx');
  } catch {
    throw new CommandError('the tour runs examples/*.ts with tsx, which is not installed: run npm ci first');
  }
}

function readLines(path: string): string[] {
  return readFileSync(path, 'utf8').replace(/\n$/, '').split('\n');
}

function show(stop: Stop, index: number, total: number, layout: string, style: Style): void {
  const columns = process.stdout.columns ?? 0;
  const rule = '━'.repeat(Math.max(4, Math.min(columns || 100, 110) - stop.title.length - 12));
  process.stdout.write(`\n${style.bold(`━━ ${index}/${total} · ${stop.title} ${rule}`)}\n\n`);
  const twin: Block = {
    title: style.bold(`TypeScript (examples/${stop.file})`),
    lines: readLines(join(ROOT, 'examples', stop.file)),
  };
  const seedFile =
    stop.seed === undefined ? undefined : join(ROOT, 'examples', 'seed', `${stop.seed.seed}.py`);
  if (seedFile === undefined || !existsSync(seedFile)) {
    const note =
      stop.rule !== undefined
        ? `The seed's rule: “${stop.rule.quote}”`
        : style.dim('(beyond the seed document: no Python original)');
    process.stdout.write(`  ${note}\n\n`);
    const lines = [twin.title, ...twin.lines.map((l) => `  ${l}`)].map((l) => `  ${l}`.trimEnd());
    process.stdout.write(`${lines.join('\n')}\n`);
    return;
  }
  const seedTitle = stop.variant ? 'Python (the seed program this varies)' : 'Python (the seed)';
  const python: Block = { title: style.bold(seedTitle), lines: readLines(seedFile) };
  const fits = process.stdout.isTTY === true && sideBySideWidth(python, twin, 2) <= columns;
  const side = layout === 'side' || (layout === 'auto' && fits);
  const lines = side ? sideBySide(python, twin, 2, style.dim) : stacked(python, twin, 2);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function runExample(stop: Stop, style: Style): Promise<TourRun> {
  process.stdout.write(`\n  ${style.cyan(`▶ running examples/${stop.file}`)}\n`);
  const nodeArgs = stop.rule?.nodeArgs ?? [];
  const child = spawn(
    process.execPath,
    [...(FROM_SOURCE ? ['--import', 'tsx'] : []), ...nodeArgs, RUNNER, programPath(stop.file)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    },
  );
  const stderr: string[] = [];
  const printing = Promise.all([
    eachLine(child.stdout!, (line) => process.stdout.write(`  ${style.dim('│')} ${line}\n`)),
    eachLine(child.stderr!, (line) => {
      stderr.push(line);
      process.stdout.write(`  ${style.yellow('!')} ${line}\n`);
    }),
  ]);
  let reportText = '';
  (child.stdio[3] as Readable).setEncoding('utf8').on('data', (chunk: string) => {
    reportText += chunk;
  });
  const exitCode = await new Promise<number>((resolve) => {
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
  await printing;
  let report: RunReport;
  try {
    report = JSON.parse(reportText.trim().split('\n')[0] ?? '') as RunReport;
  } catch {
    report = { elapsedMs: Number.NaN, lines: [], error: 'the example did not report (it crashed on start)' };
  }
  return { ...report, exitCode, stderr };
}

function eachLine(stream: Readable, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', onLine);
    lines.on('close', resolve);
  });
}

function judge(stop: Stop, report: TourRun): Verdict {
  if (stop.rule !== undefined) return stop.rule.judge(report);
  if (stop.seed === undefined || stop.variant) return judgeExtra(report, stop.file);
  return stop.seed.judge(report);
}

function printVerdict(stop: Stop, verdict: Verdict, failed: boolean, report: TourRun, style: Style): void {
  if (failed) {
    const why = report.error ?? `exit code ${report.exitCode}`;
    process.stdout.write(`  ${style.red(`✗ examples/${stop.file} failed: ${why}`)}\n`);
    return;
  }
  const mark = verdict.holds ? style.green('✓') : style.yellow('≠');
  const claim = stop.rule?.claim ?? (stop.variant ? undefined : stop.seed?.claim);
  if (claim !== undefined) {
    process.stdout.write(`  ${mark} claimed ${claim}\n    measured ${verdict.measured}\n`);
  } else {
    process.stdout.write(`  ${mark} ${verdict.measured}\n`);
  }
}

function printSummary(
  results: Array<{ stop: Stop; verdict: Verdict | undefined; failed: boolean }>,
  style: Style,
): void {
  process.stdout.write(`\n${style.bold('━━ Summary ')}\n`);
  for (const { stop, verdict, failed } of results) {
    const mark = failed ? style.red('✗') : verdict?.holds ? style.green('✓') : style.yellow('≠');
    process.stdout.write(
      `  ${mark} ${stop.file.padEnd(24)} ${failed ? 'failed' : (verdict?.measured ?? '')}\n`,
    );
  }
  const failures = results.filter((r) => r.failed).length;
  const off = results.filter((r) => !r.failed && r.verdict?.holds === false).length;
  const parts = [`${results.length} programs`, `${failures} failed`];
  if (off > 0) parts.push(`${off} measured off the claim (a busy machine?)`);
  process.stdout.write(`  ${parts.join(', ')}\n`);
}
