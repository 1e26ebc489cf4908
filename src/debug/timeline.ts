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
  /**
   * What was waited on: `'sleep'`, `'Lock.acquire'`, `'taskGroup'`, `'map'`, `'gather'`, `'await task'`,
   * `'thread job (queued)'` / `'thread job (running)'` (a thread job's time in the queue, then on a thread), …
   */
  readonly label: string;
  /** The wait's detail when it adds to the label, e.g. `'await task loader'`. */
  readonly detail?: string;
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
 * <!-- no-run: reads the trace.json of a traced run -->
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
    const wait: { -readonly [K in keyof TimelineWait]: TimelineWait[K] } = {
      label: e.name,
      start,
      end: start + (e.dur ?? 0) / 1000,
    };
    if (typeof e.args?.detail === 'string') wait.detail = e.args.detail;
    list.push(wait);
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
/** Waiting on a thread job while it runs on its thread (before that, queued: {@link WAITING}). */
const THREAD = '▓';
/** The widest column of wait names beside the bars. */
const NOTES_WIDTH = 34;

/**
 * Draws a trace as a terminal Gantt chart: one row per task, `█` while it runs, `░` while it waits in a
 * library call (sleep, lock, queue, a task group, `gather`, `map`, another task, a thread job in the queue),
 * `▓` while a thread job it waits on runs on its thread; beside each bar, what the task waited on. Coloured
 * by how the task ended when `color` is on.
 *
 * @example
 * <!-- no-run: reads the trace.json of a traced run -->
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
  const notes = rows.map(waitSummary);
  // Beside the bars: what each task waited on (and how it ended), in at most 30% of the width.
  let notesWidth = Math.min(NOTES_WIDTH, Math.floor(width * 0.3), Math.max(...notes.map((n) => n.length)));
  if (notesWidth < 12) notesWidth = 0;
  const reserved = Math.max(color ? 0 : 10, notesWidth > 0 ? notesWidth + 2 : 0);
  const barWidth = width - labelWidth - 3 - reserved;
  const step = (durationMs || 1) / barWidth;
  const lines: string[] = [];
  const right = formatDuration(durationMs);
  lines.push(`${' '.repeat(labelWidth)} 0${right.padStart(barWidth - 1)}`);
  lines.push(`${' '.repeat(labelWidth)} ┌${'─'.repeat(Math.max(0, barWidth - 2))}┐`);
  for (const [i, row] of rows.entries()) {
    let bar = '';
    for (let c = 0; c < barWidth; c++) bar += cell(row, c * step, (c + 1) * step);
    if (bar.trim() === '') {
      // Shorter than one column: still one mark where it started.
      const at = Math.min(barWidth - 1, Math.floor(row.start / step));
      bar = `${bar.slice(0, at)}${RUNNING}${bar.slice(at + 1)}`;
    }
    const label = fit(row.name, labelWidth).padEnd(labelWidth);
    let note = notesWidth > 0 ? notes[i]! : '';
    if (!color && row.state !== 'fulfilled') note = note === '' ? row.state : `${row.state}; ${note}`;
    const tail = note === '' ? '' : `  ${fit(note, Math.max(notesWidth, 10))}`;
    if (color) {
      lines.push(`${label} ${ANSI[row.state] ?? ANSI_OTHER}${bar}${ANSI_RESET}${tail}`);
    } else {
      // Notes line up in their column; a state alone follows its bar.
      lines.push(`${label} ${notesWidth === 0 ? bar.trimEnd() : bar}${tail}`);
    }
  }
  const threads = rows.some((r) => r.waits.some(isThreadRun));
  const thread = threads ? `  ${THREAD} its thread job runs` : '';
  const legend = color
    ? `${RUNNING} running  ${WAITING} waiting${thread}   ${ANSI.fulfilled}■ fulfilled${ANSI_RESET}  ${ANSI.rejected}■ rejected${ANSI_RESET}  ${ANSI.cancelled}■ cancelled${ANSI_RESET}`
    : `${RUNNING} running  ${WAITING} waiting (sleep, lock, queue, tasks, …)${thread}`;
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
  let onThread = 0;
  for (const wait of row.waits) {
    if (wait.end <= from) continue;
    if (wait.start >= to) break;
    const time = overlap(wait.start, wait.end, from, to);
    waiting += time;
    if (isThreadRun(wait)) onThread += time;
  }
  if (!(waiting > 0 && (covered - waiting) * 2 < to - from)) return RUNNING;
  return onThread * 2 >= waiting ? THREAD : WAITING;
}

function isThreadRun(wait: TimelineWait): boolean {
  return wait.label === 'thread job (running)';
}

/**
 * What a row waited on, in order, each once: `taskGroup, gather, task loader, thread job (queued 3.2 ms)`.
 * Empty when the task never waited.
 */
function waitSummary(row: TimelineRow): string {
  const names: string[] = [];
  let queued = 0;
  let ran = 0;
  let threadAt = -1;
  for (const wait of row.waits) {
    let name = wait.label;
    if (name.startsWith('thread job')) {
      if (name === 'thread job (queued)') queued += wait.end - wait.start;
      else if (name === 'thread job (running)') ran += wait.end - wait.start;
      if (threadAt < 0) {
        threadAt = names.length;
        names.push('thread job');
      }
      continue;
    }
    if (name === 'await task' && wait.detail?.startsWith('await task ')) name = wait.detail.slice(6);
    if (!names.includes(name)) names.push(name);
  }
  if (threadAt >= 0 && queued + ran > 0) {
    // Its run time is the ▓ part of the bar.
    names[threadAt] = `thread job (queued ${formatDuration(queued)})`;
  }
  return names.join(', ');
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
  /** Width of the picture in pixels (default 800, the width a README shows at 100%). */
  width?: number;
  /** A title drawn above the chart. */
  title?: string;
}

const FILL: Record<string, string> = { fulfilled: '#2e9e5b', rejected: '#d64545', cancelled: '#d8a31a' };
const FILL_OTHER = '#3b82c4';
// Sized to read at 100% in a README (about 800 px wide): 14 px text, 18 px bars.
const ROW = 28;
const BAR = 18;
const FONT = 14;
/** Average width of a character of the label font, for fitting text. */
const CHAR = 7.6;

/**
 * Draws a trace as an SVG picture: one bar per task (`<rect class="bar …">`), solid while the task runs,
 * lighter while it waits in a library call (named inside the bar where the name fits, and in its tooltip),
 * darker while a thread job it waits on runs on its thread; coloured by how it ended, on a time axis.
 *
 * @example
 * <!-- no-run: reads the trace.json of a traced run -->
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
  const width = Math.max(300, Math.floor(options.width ?? 800));
  const labelWidth = Math.min(260, 16 + CHAR * Math.max(4, ...rows.map((r) => r.name.length)));
  const left = labelWidth;
  const plotWidth = width - left - 36;
  const top = options.title === undefined ? 30 : 58;
  const height = top + rows.length * ROW + 48;
  const total = durationMs || 1;
  const x = (ms: number): number => left + (ms / total) * plotWidth;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="${FONT}">`,
  );
  out.push(
    '<style>.bar.fulfilled{fill:#2e9e5b}.bar.rejected{fill:#d64545}.bar.cancelled{fill:#d8a31a}' +
      '.wait{fill:#ffffff;fill-opacity:0.6}.thread{fill:#000000;fill-opacity:0.25}.grid{stroke:#e3e3e3}' +
      '.axis{fill:#555}.label{fill:#222}.note{fill:#1d3b2a;font-size:12px}</style>',
  );
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (options.title !== undefined) {
    out.push(
      `<text x="12" y="26" font-size="16" font-weight="600" class="label">${escapeXml(options.title)}</text>`,
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
      // A thread job running on its thread is drawn darker than any wait (its time in the queue is a wait).
      const kind = isThreadRun(wait) ? 'thread' : 'wait';
      const what = wait.detail ?? wait.label;
      out.push(
        `<rect class="${kind}" x="${round1(wx)}" y="${round1(y + 2)}" width="${round1(ww)}" height="${BAR - 4}"><title>${escapeXml(`${row.name} waiting on ${what}, ${formatDuration(wait.end - wait.start)}`)}</title></rect>`,
      );
      // Named inside the bar where the name fits: what the task waits on, not only that it waits.
      const long = what.startsWith('await task ') ? what.slice(6) : wait.label;
      const name = [long, wait.label].find((n) => ww >= n.length * 6.6 + 8);
      if (kind === 'wait' && name !== undefined) {
        out.push(
          `<text class="note" x="${round1(wx + 4)}" y="${round1(y + BAR - 5)}">${escapeXml(name)}</text>`,
        );
      }
    }
  });
  // The legend starts under the labels, so that it fits however narrow the plot is.
  const ly = top + rows.length * ROW + 28;
  let lx = 12;
  const swatch = (overlay: string | undefined, text: string): void => {
    out.push(`<rect x="${lx}" y="${ly - 11}" width="22" height="14" rx="2" fill="${FILL.fulfilled}"/>`);
    if (overlay !== undefined) {
      out.push(`<rect class="${overlay}" x="${lx}" y="${ly - 9}" width="22" height="10"/>`);
    }
    out.push(`<text class="axis" x="${lx + 28}" y="${ly}">${text}</text>`);
    lx += 40 + text.length * CHAR;
  };
  swatch(undefined, 'running');
  swatch('wait', 'waiting (named)');
  if (rows.some((r) => r.waits.some(isThreadRun))) swatch('thread', 'its thread job runs');
  out.push(`<text class="axis" x="${lx}" y="${ly}">ended:</text>`);
  lx += 52;
  for (const [state, fill] of Object.entries(FILL)) {
    out.push(`<rect x="${lx}" y="${ly - 11}" width="14" height="14" rx="2" fill="${fill}"/>`);
    out.push(`<text class="axis" x="${lx + 18}" y="${ly}">${state}</text>`);
    lx += 26 + state.length * CHAR;
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
