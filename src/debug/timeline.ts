/**
 * A timeline picture of a trace (see `trace.ts`): one row per task, a bar from its creation to its end,
 * coloured by how it ended, with the time it spent waiting in library calls drawn lighter. Two renderers:
 * a terminal Gantt chart ({@link formatTimeline}) and an SVG file ({@link timelineSvg}). Pure functions of
 * the trace events: no I/O, nothing from the runtime.
 * @module
 */
import type { TraceEvent } from './trace.js';

/** One wait drawn on a row, in ms from the timeline's start. */
export interface TimelineWait {
  readonly label: string;
  readonly start: number;
  readonly end: number;
}

/** One task: its span (ms from the timeline's start), how it ended, and its waits. */
export interface TimelineRow {
  /** The run the task belonged to (the trace's pid). */
  readonly run: number;
  readonly id: number;
  readonly name: string;
  /** `'fulfilled'`, `'rejected'` or `'cancelled'`. */
  readonly state: string;
  readonly start: number;
  readonly end: number;
  readonly waits: readonly TimelineWait[];
}

/** The rows of a trace, in creation order, and the time they span. */
export interface Timeline {
  /** Length of the whole timeline in ms (from the first task's start to the last task's end). */
  readonly durationMs: number;
  readonly rows: readonly TimelineRow[];
}

/**
 * Turns trace events into timeline rows: one per task span (`cat: 'task'`), with the wait spans of that
 * task (on its own row or its extra rows) attached.
 *
 * @example
 * ```ts
 * import { readTraceFile, timelineOf } from 'asyncio-ts/debug';
 * const { rows, durationMs } = timelineOf(readTraceFile('trace.json'));
 * console.log(rows.length, 'tasks over', durationMs, 'ms');
 * ```
 */
export function timelineOf(events: readonly TraceEvent[]): Timeline {
  const tasks = events.filter((e) => e.ph === 'X' && e.cat === 'task');
  if (tasks.length === 0) return { durationMs: 0, rows: [] };
  let origin = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const e of tasks) {
    origin = Math.min(origin, e.ts ?? 0);
    last = Math.max(last, (e.ts ?? 0) + (e.dur ?? 0));
  }
  const waitsByTask = new Map<string, TimelineWait[]>();
  for (const e of events) {
    if (e.ph !== 'X' || e.cat !== 'wait') continue;
    const key = `${e.pid}:${Number(e.args?.task ?? e.tid)}`;
    let list = waitsByTask.get(key);
    if (list === undefined) waitsByTask.set(key, (list = []));
    const start = ((e.ts ?? 0) - origin) / 1000;
    list.push({ label: e.name, start, end: start + (e.dur ?? 0) / 1000 });
  }
  const rows: TimelineRow[] = tasks
    .map((e) => {
      const id = Number(e.args?.id ?? e.tid);
      const start = ((e.ts ?? 0) - origin) / 1000;
      const waits = waitsByTask.get(`${e.pid}:${id}`) ?? [];
      waits.sort((a, b) => a.start - b.start);
      return {
        run: e.pid,
        id,
        name: e.name,
        state: String(e.args?.state ?? 'fulfilled'),
        start,
        end: start + (e.dur ?? 0) / 1000,
        waits,
      };
    })
    .sort((a, b) => a.run - b.run || a.id - b.id);
  return { durationMs: (last - origin) / 1000, rows };
}

// ---- terminal ---------------------------------------------------------------------------------------------

/** Options of {@link formatTimeline}. */
export interface FormatTimelineOptions {
  /** Total width in columns, labels included (default 100, at least 40). */
  width?: number;
  /** ANSI colours by state (default false: plain text, the state written after unusual bars). */
  color?: boolean;
}

const ANSI: Record<string, string> = {
  fulfilled: '\u001b[32m',
  rejected: '\u001b[31m',
  cancelled: '\u001b[33m',
};
const ANSI_OTHER = '\u001b[36m';
const ANSI_RESET = '\u001b[0m';
const RUNNING = '█';
const WAITING = '░';

/**
 * Draws a trace as a terminal Gantt chart: one row per task, `█` while it runs, `░` while it waits in a
 * library call (sleep, lock, queue, …), coloured by how it ended when `color` is on.
 *
 * @example
 * ```ts
 * import { formatTimeline, readTraceFile } from 'asyncio-ts/debug';
 * console.log(formatTimeline(readTraceFile('trace.json'), { width: 100, color: process.stdout.isTTY }));
 * ```
 */
export function formatTimeline(
  source: readonly TraceEvent[] | Timeline,
  options: FormatTimelineOptions = {},
): string {
  const timeline = Array.isArray(source) ? timelineOf(source) : (source as Timeline);
  const { rows, durationMs } = timeline;
  if (rows.length === 0) return '(no task spans in this trace)';
  const width = Math.max(40, Math.floor(options.width ?? 100));
  const color = options.color === true;
  const labelWidth = Math.min(24, Math.max(...rows.map((r) => r.name.length)));
  const barWidth = width - labelWidth - 3 - (color ? 0 : 10);
  const step = (durationMs || 1) / barWidth;
  const lines: string[] = [];
  const right = formatDuration(durationMs);
  lines.push(`${' '.repeat(labelWidth)} 0${right.padStart(barWidth - 1)}`);
  lines.push(`${' '.repeat(labelWidth)} ┌${'─'.repeat(Math.max(0, barWidth - 2))}┐`);
  for (const row of rows) {
    let bar = '';
    for (let c = 0; c < barWidth; c++) bar += cell(row, c * step, (c + 1) * step);
    if (bar.trim() === '') {
      // Shorter than one column: still one mark where it started.
      const at = Math.min(barWidth - 1, Math.floor(row.start / step));
      bar = `${bar.slice(0, at)}${RUNNING}${bar.slice(at + 1)}`;
    }
    const label = fit(row.name, labelWidth).padEnd(labelWidth);
    if (color) {
      lines.push(`${label} ${ANSI[row.state] ?? ANSI_OTHER}${bar}${ANSI_RESET}`);
    } else {
      lines.push(`${label} ${bar.trimEnd()}${row.state === 'fulfilled' ? '' : `  ${row.state}`}`);
    }
  }
  const legend = color
    ? `${RUNNING} running  ${WAITING} waiting   ${ANSI.fulfilled}■ fulfilled${ANSI_RESET}  ${ANSI.rejected}■ rejected${ANSI_RESET}  ${ANSI.cancelled}■ cancelled${ANSI_RESET}`
    : `${RUNNING} running  ${WAITING} waiting (sleep, lock, queue, …)`;
  lines.push(`${' '.repeat(labelWidth)} ${legend}`);
  return lines.join('\n');
}

/**
 * The character for one row over [from, to): blank outside the task; running if it ran (did not wait) for
 * at least half the column, or never waited in it; waiting otherwise (a short tail after a wait stays light).
 */
function cell(row: TimelineRow, from: number, to: number): string {
  const covered = overlap(row.start, row.end, from, to);
  if (covered <= 0 && !(row.start >= from && row.start < to && row.end === row.start)) return ' ';
  let waiting = 0;
  for (const wait of row.waits) {
    if (wait.end <= from) continue;
    if (wait.start >= to) break;
    waiting += overlap(wait.start, wait.end, from, to);
  }
  return waiting > 0 && (covered - waiting) * 2 < to - from ? WAITING : RUNNING;
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

// ---- SVG --------------------------------------------------------------------------------------------------

/** Options of {@link timelineSvg}. */
export interface TimelineSvgOptions {
  /** Width of the picture in pixels (default 960). */
  width?: number;
  /** A title drawn above the chart. */
  title?: string;
}

const FILL: Record<string, string> = { fulfilled: '#2e9e5b', rejected: '#d64545', cancelled: '#d8a31a' };
const FILL_OTHER = '#3b82c4';
const ROW = 24;
const BAR = 14;

/**
 * Draws a trace as an SVG picture: one bar per task (`<rect class="bar …">`), solid while the task runs
 * and lighter while it waits in a library call, coloured by how it ended, on a time axis.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { readTraceFile, timelineSvg } from 'asyncio-ts/debug';
 * writeFileSync('timeline.svg', timelineSvg(readTraceFile('trace.json'), { title: 'my program' }));
 * ```
 */
export function timelineSvg(
  source: readonly TraceEvent[] | Timeline,
  options: TimelineSvgOptions = {},
): string {
  const timeline = Array.isArray(source) ? timelineOf(source) : (source as Timeline);
  const { rows, durationMs } = timeline;
  const width = Math.max(300, Math.floor(options.width ?? 960));
  const labelWidth = Math.min(240, 16 + 7 * Math.max(4, ...rows.map((r) => r.name.length)));
  const left = labelWidth;
  const plotWidth = width - left - 24;
  const top = options.title === undefined ? 28 : 52;
  const height = top + rows.length * ROW + 44;
  const total = durationMs || 1;
  const x = (ms: number): number => left + (ms / total) * plotWidth;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
  );
  out.push(
    '<style>.bar.fulfilled{fill:#2e9e5b}.bar.rejected{fill:#d64545}.bar.cancelled{fill:#d8a31a}' +
      '.wait{fill:#ffffff;fill-opacity:0.6}.grid{stroke:#e3e3e3}.axis{fill:#666}.label{fill:#222}</style>',
  );
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (options.title !== undefined) {
    out.push(
      `<text x="${left}" y="24" font-size="15" font-weight="600" class="label">${escapeXml(options.title)}</text>`,
    );
  }
  // Axis: about eight ticks at 1, 2 or 5 × 10^k ms.
  const tick = niceStep(total / 8);
  for (let t = 0; t <= total + 1e-9; t += tick) {
    const tx = round1(x(t));
    out.push(`<line class="grid" x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${top + rows.length * ROW}"/>`);
    out.push(
      `<text class="axis" x="${tx}" y="${top - 10}" text-anchor="middle">${formatDuration(t).replace(' ', '\u00a0')}</text>`,
    );
  }
  rows.forEach((row, i) => {
    const y = top + i * ROW + (ROW - BAR) / 2;
    const x0 = x(row.start);
    const w = Math.max(1, x(row.end) - x0);
    out.push(
      `<text class="label" x="${left - 8}" y="${round1(y + BAR - 3)}" text-anchor="end">${escapeXml(row.name)}</text>`,
    );
    const tooltip = `${row.name}: ${row.state}, ${formatDuration(row.end - row.start)}`;
    out.push(
      `<rect class="bar ${row.state in FILL ? row.state : 'other'}" x="${round1(x0)}" y="${round1(y)}" width="${round1(w)}" height="${BAR}" rx="3" fill="${FILL[row.state] ?? FILL_OTHER}"><title>${escapeXml(tooltip)}</title></rect>`,
    );
    for (const wait of row.waits) {
      const wx = x(Math.max(wait.start, row.start));
      const ww = x(Math.min(wait.end, row.end)) - wx;
      if (ww < 0.5) continue;
      out.push(
        `<rect class="wait" x="${round1(wx)}" y="${round1(y + 2)}" width="${round1(ww)}" height="${BAR - 4}"><title>${escapeXml(`${wait.label}, ${formatDuration(wait.end - wait.start)}`)}</title></rect>`,
      );
    }
  });
  const ly = top + rows.length * ROW + 26;
  out.push(`<rect x="${left}" y="${ly - 10}" width="22" height="12" rx="2" fill="${FILL.fulfilled}"/>`);
  out.push(`<text class="axis" x="${left + 28}" y="${ly}">running</text>`);
  out.push(`<rect x="${left + 90}" y="${ly - 10}" width="22" height="12" rx="2" fill="${FILL.fulfilled}"/>`);
  out.push(`<rect class="wait" x="${left + 90}" y="${ly - 8}" width="22" height="8"/>`);
  out.push(`<text class="axis" x="${left + 118}" y="${ly}">waiting (sleep, lock, queue…)</text>`);
  out.push(`<text class="axis" x="${left + 330}" y="${ly}">ended:</text>`);
  let lx = left + 376;
  for (const [state, fill] of Object.entries(FILL)) {
    out.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" rx="2" fill="${fill}"/>`);
    out.push(`<text class="axis" x="${lx + 16}" y="${ly}">${state}</text>`);
    lx += 84;
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;',
  );
}
