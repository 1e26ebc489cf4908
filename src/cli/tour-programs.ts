/**
 * What the seed document claims for each of its programs, and how the tour checks the claim against what
 * the TypeScript twin printed and how long it took. Keyed by the seed program (`examples/seed/<seed>.py`);
 * `twins` lists the example files (stems) that are its twin, in `examples/`.
 * @module
 * @internal
 */
import { formatSeconds } from './format.js';
import type { RunReport } from './tour-runner.js';

/** The tour's verdict on one run: what was measured, and whether the claim held. */
export interface Verdict {
  measured: string;
  holds: boolean;
}

/** One program of the seed document. */
export interface SeedProgram {
  /** Stem of `examples/seed/<seed>.py`. */
  readonly seed: string;
  /** Stems of the TypeScript twins in `examples/` (the first one is the faithful twin). */
  readonly twins: readonly string[];
  /** What the seed document says will happen. */
  readonly claim: string;
  /** Compares a run of the twin with the claim. */
  judge(report: RunReport): Verdict;
}

/**
 * Timing tolerance: the claims are "about" figures, and the tour runs on whatever machine the user has
 * (a loaded 2-core CI box included): within 25 % or 150 ms of the claim counts as holding.
 */
function about(ms: number | undefined, expected: number, tolerance = 0.25): boolean {
  return ms !== undefined && Math.abs(ms - expected) <= Math.max(expected * tolerance, 150);
}

function find(report: RunReport, pattern: RegExp): { t: number; text: string } | undefined {
  return report.lines.find((line) => pattern.test(line.text));
}

function count(report: RunReport, pattern: RegExp): number {
  return report.lines.filter((line) => pattern.test(line.text)).length;
}

const s = formatSeconds;

/** A duration a program printed itself at the end of a line (`… 1.04s`), in ms. */
function printedMs(text: string): number | undefined {
  const seconds = /(\d+(?:\.\d+)?)\s?s\s*$/.exec(text)?.[1];
  return seconds === undefined ? undefined : Number(seconds) * 1000;
}

/** The seed document's programs, in its order. */
export const SEED_PROGRAMS: readonly SeedProgram[] = [
  {
    seed: 'hello',
    twins: ['hello'],
    claim: 'waits ≈ 1 s, then prints "Hello, asyncio!"',
    judge(report) {
      const line = find(report, /Hello, asyncio!/);
      return {
        measured: line === undefined ? 'no "Hello, asyncio!" line' : `printed it after ${s(line.t)}`,
        holds: about(line?.t, 1000),
      };
    },
  },
  {
    seed: 'sync-vs-async',
    twins: ['sync-vs-async'],
    claim: '≈ 5 s vs ≈ 1 s',
    judge(report) {
      const times = report.lines
        .map((line) => printedMs(line.text))
        .filter((t): t is number => t !== undefined);
      const [sync, async] = times;
      if (sync === undefined || async === undefined) return { measured: 'no timings printed', holds: false };
      return { measured: `${s(sync)} vs ${s(async)}`, holds: about(sync, 5000) && about(async, 1000) };
    },
  },
  {
    seed: 'semaphore',
    twins: ['semaphore', 'gather-semaphore', 'limit-concurrency'],
    claim: '30 fetches of 0.2–1.0 s, at most 5 at once: "Total: 30" after ≈ 30 × 0.6 s ÷ 5 ≈ 3.6 s',
    judge(report) {
      const total = Number(/Total:\s*(\d+)/.exec(find(report, /Total:/)?.text ?? '')?.[1] ?? Number.NaN);
      const done = count(report, /^done: item-\d+/);
      const peakText = find(report, /peak|at once|concurren/i)?.text;
      const peak = peakText === undefined ? undefined : Number(/(\d+)/.exec(peakText)?.[1]);
      const peakPart = peak === undefined ? '' : `, at most ${peak} at once`;
      return {
        measured: `${done} done, Total: ${Number.isNaN(total) ? '?' : total}${peakPart}, in ${s(report.elapsedMs)}`,
        // The durations are random: 30 × U(0.2, 1.0) s over 5 slots lands well inside 2–6 s.
        holds:
          total === 30 &&
          done === 30 &&
          (peak === undefined || peak <= 5) &&
          report.elapsedMs > 2000 &&
          report.elapsedMs < 6000,
      };
    },
  },
  {
    seed: 'queue',
    twins: ['queue', 'producer-consumer'],
    claim: '10 items, 3 consumers, 0.3 s of work each: all processed in ≈ 4 rounds ≈ 1.2 s',
    judge(report) {
      const processed = report.lines.filter((line) => /^C\d processed task-\d+/.test(line.text));
      const consumers = new Set(processed.map((line) => line.text.slice(0, 2)));
      return {
        measured: `${processed.length} processed by ${consumers.size} consumers in ${s(report.elapsedMs)}`,
        holds: processed.length === 10 && consumers.size === 3 && about(report.elapsedMs, 1200),
      };
    },
  },
  {
    seed: 'wait-for',
    twins: ['wait-for'],
    claim: 'the 5 s job is cut short: "Timed out!" after ≈ 1 s',
    judge(report) {
      const line = find(report, /Timed out!/);
      return {
        measured: line === undefined ? 'no "Timed out!" line' : `"Timed out!" after ${s(line.t)}`,
        holds: about(line?.t, 1000),
      };
    },
  },
  {
    seed: 'cancel-task',
    twins: ['cancel-task'],
    claim: '"working..." every 0.5 s; cancelled at ≈ 2 s, the clean-up runs, then "task cancelled"',
    judge(report) {
      const working = count(report, /^working\.\.\./);
      const cleanup = find(report, /cleaning up/) !== undefined;
      const end = find(report, /task cancelled/);
      return {
        measured: `${working}× "working...", clean-up ${cleanup ? 'ran' : 'missing'}, "task cancelled" at ${
          end === undefined ? '–' : s(end.t)
        }`,
        holds: working >= 3 && working <= 4 && cleanup && about(end?.t, 2000),
      };
    },
  },
  {
    seed: 'aiohttp-gather',
    twins: ['aiohttp-gather', 'aiohttp', 'http-gather', 'http-delays', 'client-session'],
    claim: '/delay/1, /delay/2 and /delay/3 fetched at once: three 200s in ≈ 3 s, not 6 s',
    judge(report) {
      const ok = count(report, /\b200\b/);
      // The twin's own timing if it prints one (it also starts the local server), else the whole run.
      const printed = report.lines.map((line) => printedMs(line.text)).filter((t) => t !== undefined);
      const ms = printed.at(-1) ?? report.elapsedMs;
      return {
        measured: `${ok}× status 200 in ${s(ms)}`,
        holds: ok >= 3 && about(ms, 3000, 0.2),
      };
    },
  },
  {
    seed: 'run-in-executor',
    twins: ['run-in-executor', 'to-thread', 'executor'],
    claim: 'two blocking 1 s calls on worker threads: [9, 16] in ≈ 1 s, not 2 s',
    judge(report) {
      const line = find(report, /\b9\b.*\b16\b/);
      // The twin times the two jobs itself (after starting the threads, which Python does not need to):
      // prefer its figure, else the time the line appeared.
      const ms = line === undefined ? undefined : (printedMs(line.text) ?? line.t);
      return {
        measured: line === undefined ? 'no [9, 16] printed' : `[9, 16] after ${s(ms!)}`,
        holds: line !== undefined && about(ms, 1000, 0.4),
      };
    },
  },
  {
    seed: 'quick-reference',
    twins: ['quick-reference'],
    claim: 'the shape of a program: create tasks, await other work meanwhile, gather',
    judge(report) {
      return { measured: `ran in ${s(report.elapsedMs)}`, holds: report.error === undefined };
    },
  },
];

/** The seed program an example is the twin (or a variant) of, if any. */
export function seedProgramOf(stem: string): { program: SeedProgram; variant: boolean } | undefined {
  const twin = SEED_PROGRAMS.find((p) => p.twins.includes(stem));
  if (twin !== undefined) return { program: twin, variant: false };
  const variant = SEED_PROGRAMS.find((p) => p.twins.some((t) => stem.startsWith(`${t}-`)));
  return variant === undefined ? undefined : { program: variant, variant: true };
}

/** Twins of programs from the asyncio documentation (beyond the seed), keyed by example stem. */
export const DOCS_TWINS: Readonly<Record<string, (report: RunReport) => Verdict>> = {
  'tcp-echo'(report) {
    const echoed = find(report, /^Received: "Hello World!"/) !== undefined;
    const closed = find(report, /^Server closed: true/) !== undefined;
    return {
      measured: `${echoed ? 'the server echoed "Hello World!"' : 'no echo'}; ${closed ? 'serveForever cancelled, server closed' : 'server not closed'}, in ${s(report.elapsedMs)}`,
      holds: echoed && closed,
    };
  },
  'subprocess-timeout'(report) {
    const line = find(report, /^Timed out after/);
    const gone = find(report, /still exists: false/) !== undefined;
    const code = /exited with (-?\d+)/.exec(line?.text ?? '')?.[1];
    return {
      measured: `${line === undefined ? 'no timeout' : `timed out after ${s(line.t)}, the child exited with ${code}`}; ${gone ? 'its pid is gone' : 'its pid is still there'}`,
      holds: about(line?.t, 1000) && gone,
    };
  },
};

/** The verdict for an example beyond the seed: its check if it twins the asyncio docs, else that it ran. */
export function judgeExtra(report: RunReport, file?: string): Verdict {
  const twin = file === undefined ? undefined : DOCS_TWINS[file.replace(/\.ts$/, '')];
  if (twin !== undefined && report.error === undefined) return twin(report);
  // A program that needs a service the machine lacks (redis-server) says so in a "skipped: …" line.
  const skipped = report.lines.find((line) => line.text.startsWith('skipped: '));
  if (skipped !== undefined) return { measured: skipped.text, holds: true };
  return { measured: `ran in ${s(report.elapsedMs)}`, holds: report.error === undefined };
}

/** A run as the tour sees it: the runner's report plus what the program wrote on stderr (warnings). */
export interface TourRun extends RunReport {
  exitCode: number;
  stderr: string[];
}

/** One of the seed's rules of thumb, shown live by a program in `examples/rules/`. */
export interface RuleOfThumb {
  /** The program, relative to `examples/`. */
  readonly file: string;
  readonly title: string;
  /** The rule as the seed document words it. */
  readonly quote: string;
  /** Extra `node` flags for the program. */
  readonly nodeArgs: readonly string[];
  readonly claim: string;
  judge(run: TourRun): Verdict;
}

/** The seed's rules of thumb that the tour ends with. */
export const RULES_OF_THUMB: readonly RuleOfThumb[] = [
  {
    file: 'rules/blocking-call.ts',
    title: 'Rule of thumb: a blocking call blocks the loop; offload it',
    quote: 'time.sleep() in async code → blocks the loop. … If you must call a blocking function, offload it',
    nodeArgs: [],
    claim: 'debug mode names the task that blocked the loop; through toThread the loop stays free',
    judge(run) {
      const warning = run.stderr.find((line) => /blocked the event loop/.test(line));
      const beats = run.lines
        .map((line) => Number(/: (\d+) heartbeats/.exec(line.text)?.[1]))
        .filter((n) => !Number.isNaN(n));
      const [stalled, steady] = beats;
      const named = /Executing <Task "([^"]+)"[^>]*> took (\d+) ms/.exec(warning ?? '');
      return {
        measured: `${named === null ? 'no blocked-loop warning' : `warned: task "${named[1]}" took ${named[2]} ms`}; heartbeats ${stalled ?? '?'} on the loop vs ${steady ?? '?'} with toThread`,
        holds: named !== null && stalled !== undefined && steady !== undefined && steady > stalled,
      };
    },
  },
  {
    file: 'rules/forgotten-await.ts',
    title: 'Rule of thumb: forgetting await gives a promise, not a result',
    quote: 'await on coroutines → you get a coroutine object, not a result.',
    nodeArgs: ['--expose-gc'],
    claim: 'a promise instead of the value, no wait at all, and debug mode reports the wait never awaited',
    judge(run) {
      const promise = find(run, /got: \[object Promise\]/) !== undefined;
      const report = run.stderr.find((line) => /was never awaited/.test(line));
      const where = /created at [^(]*\(([^)]+)\)/.exec(report ?? '')?.[1];
      return {
        measured: `${promise ? 'got a Promise' : 'no Promise printed'}; ${
          report === undefined
            ? 'no never-awaited report'
            : `reported: ${/^.*?AsyncioWarning: ([^(]+)/.exec(report)?.[1]?.trim() ?? 'never awaited'}${where === undefined ? '' : ` at ${where}`}`
        }`,
        holds: promise && report !== undefined,
      };
    },
  },
];
