/**
 * `asyncio-ts timeline <trace.json> [--svg FILE]`: draws a trace written by `run(main, { trace })`,
 * `ASYNCIO_TS_TRACE` or `asyncio-ts trace` as a terminal Gantt chart (one row per task), and optionally as
 * an SVG picture.
 * @module
 * @internal
 */
import { writeFileSync } from 'node:fs';
import { formatTimeline, readTraceFile, type TraceEvent, timelineOf, timelineSvg } from '../debug/index.js';
import { CommandError, integerOption, parseCommandLine, stringOption, UsageError } from './args.js';
import { colorsFor } from './style.js';

export const help = `Usage: asyncio-ts timeline <trace.json> [options]

Draws a trace (Chrome Trace Event JSON written by run(main, { trace }), ASYNCIO_TS_TRACE=file or
asyncio-ts trace) as a terminal timeline: one row per task, █ while it runs, ░ while it waits in a
library call (sleep, lock, queue, …). The same file opens in https://ui.perfetto.dev.

Options:
  --svg <file>       also write the timeline as an SVG picture
  --title <text>     a title for the SVG
  -w, --width <n>    width in columns (default: the terminal's, or 100)
  -h, --help         show this help`;

/** Options shared with `trace`. */
export const TIMELINE_OPTIONS = {
  svg: { type: 'string' },
  title: { type: 'string' },
  width: { type: 'string', short: 'w' },
} as const;

/** Reads a trace file, as one clear error if it cannot. */
export function loadTrace(path: string): TraceEvent[] {
  try {
    return readTraceFile(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new CommandError(`no such file: ${path}`);
    const reason = err instanceof Error ? err.message : String(err);
    throw new CommandError(`${path} is not a trace: ${reason}`);
  }
}

/** Prints the terminal timeline of `events` and writes the SVG if asked; returns the number of tasks. */
export function drawTimeline(
  events: readonly TraceEvent[],
  options: { width: number | undefined; svg: string | undefined; title: string | undefined },
): number {
  const timeline = timelineOf(events);
  const width = options.width ?? Math.max(40, Math.min(process.stdout.columns ?? 100, 160));
  process.stdout.write(`${formatTimeline(timeline, { width, color: colorsFor(process.stdout) })}\n`);
  if (options.svg !== undefined) {
    const svg = timelineSvg(timeline, options.title === undefined ? {} : { title: options.title });
    try {
      writeFileSync(options.svg, svg);
    } catch (err) {
      throw new CommandError(`cannot write ${options.svg}: ${(err as Error).message}`);
    }
    process.stdout.write(`SVG written to ${options.svg}\n`);
  }
  return timeline.rows.length;
}

/** The `--width` option (at least 40 columns). */
export function widthOption(parsed: Parameters<typeof integerOption>[0]): number | undefined {
  return stringOption(parsed, 'width') === undefined ? undefined : integerOption(parsed, 'width', 100, 40);
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, TIMELINE_OPTIONS, 1);
  if (parsed.values.help === true) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const path = parsed.positionals[0];
  if (path === undefined) throw new UsageError('missing the trace file to draw');
  const width = widthOption(parsed); // checked before the file is read: a bad flag is exit code 2
  const events = loadTrace(path);
  drawTimeline(events, {
    width,
    svg: stringOption(parsed, 'svg'),
    title: stringOption(parsed, 'title'),
  });
  return 0;
}
