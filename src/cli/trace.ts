/**
 * `asyncio-ts trace <script> [-o trace.json]`: runs a script (JavaScript, or TypeScript through tsx) in a
 * child process with tracing on (`ASYNCIO_TS_TRACE`), then draws the timeline of what its runs did.
 * @module
 * @internal
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { signalStatus } from '../core/exit.js';
import { CommandError, parseCommandLine, stringOption, UsageError } from './args.js';
import { drawTimeline, loadTrace, TIMELINE_OPTIONS, widthOption } from './timeline.js';

export const help = `Usage: asyncio-ts trace <script.js|script.ts> [options] [-- script arguments]

Runs the script with tracing on (every run() of asyncio-ts in it writes its task and wait spans), then
draws the timeline: one row per task, █ while it runs, ░ while it waits. A .ts script runs through tsx.
Ctrl-C stops the script; the timeline of what ran is still drawn.

Options:
  -o, --output <file>  where to write the trace (default trace.json); open it in https://ui.perfetto.dev
  --svg <file>         also write the timeline as an SVG picture
  --title <text>       a title for the SVG
  -w, --width <n>      width in columns (default: the terminal's, or 100)
  -h, --help           show this help`;

/** The `--import` hook for a TypeScript script: tsx, resolved from here (an install's or the repo's). */
function typescriptLoader(): string[] {
  try {
    return ['--import', import.meta.resolve('tsx')];
  } catch {
    const features = process.features as { typescript?: string | false };
    if (features.typescript) return [];
    throw new CommandError('running a .ts script needs tsx (npm install --save-dev tsx) or Node >= 22.18');
  }
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { output: { type: 'string', short: 'o' }, ...TIMELINE_OPTIONS });
  if (parsed.values.help === true) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const [script, ...scriptArgs] = parsed.positionals;
  if (script === undefined) throw new UsageError('missing the script to run');
  if (!existsSync(script)) throw new CommandError(`no such file: ${script}`);
  const width = widthOption(parsed);
  const output = resolve(stringOption(parsed, 'output') ?? 'trace.json');
  rmSync(output, { force: true });
  const loader = /\.[cm]?ts$/.test(script) ? typescriptLoader() : [];

  const child = spawn(process.execPath, [...loader, script, ...scriptArgs], {
    stdio: 'inherit',
    env: { ...process.env, ASYNCIO_TS_TRACE: output },
  });
  // Ctrl-C reaches the script (same process group); a SIGTERM sent to this process alone is passed on. This
  // process waits for the script and draws what it traced.
  const ignore = (): void => {};
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  let status: { code: number | null; signal: NodeJS.Signals | null };
  try {
    status = await new Promise((resolveStatus, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolveStatus({ code, signal }));
    });
  } finally {
    process.removeListener('SIGINT', ignore);
    process.removeListener('SIGTERM', forward);
  }
  if (!existsSync(output)) {
    throw new CommandError(
      `${script} wrote no trace (${describeStatus(status)}): does it run its code with run() from asyncio-ts?`,
    );
  }
  process.stdout.write(`\nTrace written to ${output} (open it in https://ui.perfetto.dev)\n`);
  const events = loadTrace(output);
  drawTimeline(events, { width, svg: stringOption(parsed, 'svg'), title: stringOption(parsed, 'title') });
  if (status.code !== 0) process.stdout.write(`${script}: ${describeStatus(status)}\n`);
  return status.code ?? (status.signal === null ? 1 : signalStatus(status.signal));
}

function describeStatus(status: { code: number | null; signal: NodeJS.Signals | null }): string {
  return status.signal !== null ? `killed by ${status.signal}` : `exit code ${status.code}`;
}
