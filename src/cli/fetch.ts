/**
 * `asyncio-ts fetch <url…> | -i FILE`: a concurrent downloader on `ClientSession`, the seed's "real world
 * I/O" made a tool: bounded concurrency (`map`), a limit per host, a rate limit, a timeout and retries per
 * request, files saved under safe names, a live progress line on a terminal, and Ctrl-C that cancels what
 * is in flight, removes partial files and still prints the summary.
 * @module
 * @internal
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { redactUrl } from '../http/credentials.js';
import { ClientSession, type ClientSessionOptions, ClientTimeoutError } from '../http/index.js';
import { isCancellation, map, run as runTasks, shield } from '../index.js';
import {
  integerOption,
  type Parsed,
  parseCommandLine,
  parseDuration,
  parseRate,
  stringOption,
  UsageError,
} from './args.js';
import { formatBytes, formatDuration, formatRate } from './format.js';
import { ProgressLine } from './progress.js';
import { styleFor } from './style.js';

export const help = `Usage: asyncio-ts fetch <url…> [options]
       asyncio-ts fetch -i <file> [options]

Downloads URLs concurrently through one pooled ClientSession. Prints one line per URL as it finishes
(or one JSON object per line with --json) and a summary. On a terminal a live status line shows what
is done, failed and in flight, the bytes and the rate. Ctrl-C cancels the requests in flight, removes
their partial files and prints the summary of what finished.

Options:
  -i, --input <file>       read URLs from a file, one per line (# starts a comment; - for stdin)
  -c, --concurrency <n>    requests in flight at once (default 10)
      --per-host <n>       requests in flight at once per host (default: no limit beyond -c)
      --rate <n/s>         at most n requests per second (also n/m, n/h)
      --timeout <time>     timeout of each attempt, e.g. 30s, 500ms, 2m (default 30s; a bare number is seconds)
      --retries <n>        retries after a 408/429/5xx, a connection error or a timeout, with backoff (default 2)
  -o, --output <dir>       save each body in dir, named after the final URL (after redirects; path end and
                           query, made safe; never outside dir). Existing files are never overwritten: a
                           re-run into the same dir saves name-1, name-2, …
      --json               one JSON object per line per result (the summary goes to stderr)
  -h, --help               show this help

A host limit (--per-host) never holds up other hosts: a URL waiting for its host takes no -c slot.
"in flight" counts requests on the wire, and per-URL times start when the request goes on the wire
(queueing excluded; for a request that failed before any response, from when it was queued).

Exit code: 0 when every URL was fetched with a status below 400, 1 when any failed, 2 for a bad
command line, 130 when interrupted (SIGINT), 143 when stopped by SIGTERM.`;

/** The outcome of one URL, as `--json` prints it. */
interface Result {
  url: string;
  /** The URL after redirects (when a response came). */
  finalUrl?: string;
  /** Attempts made (retries + 1), when a response came. */
  attempts?: number;
  ok: boolean;
  status?: number;
  bytes: number;
  ms: number;
  file?: string;
  error?: string;
}

interface Settings {
  urls: URL[];
  concurrency: number;
  perHost: number;
  rate: { rate: number; perMs: number } | undefined;
  timeoutMs: number;
  retries: number;
  outDir: string | undefined;
  json: boolean;
}

/** At most this many URLs wait at once for a slot (their host's or the session's). */
const TASKS = 10_000;

function settingsFrom(parsed: Parsed): Settings {
  const urls: string[] = [...parsed.positionals];
  const input = stringOption(parsed, 'input');
  if (input !== undefined) urls.push(...readUrlList(input));
  if (urls.length === 0) throw new UsageError('no URLs: give them as arguments or with -i FILE');
  const rateText = stringOption(parsed, 'rate');
  const timeoutText = stringOption(parsed, 'timeout');
  return {
    urls: urls.map(parseUrl),
    concurrency: integerOption(parsed, 'concurrency', 10, 1),
    perHost: integerOption(parsed, 'per-host', 0, 1),
    rate: rateText === undefined ? undefined : parseRate(rateText, 'rate'),
    timeoutMs: timeoutText === undefined ? 30_000 : parseDuration(timeoutText, 'timeout'),
    retries: integerOption(parsed, 'retries', 2, 0),
    outDir: stringOption(parsed, 'output'),
    json: parsed.values.json === true,
  };
}

function readUrlList(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --input ${path}: ${(err as Error).message}`);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`not a URL: '${redactUrl(text)}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`not an http(s) URL: '${redactUrl(text)}'`);
  }
  return url;
}

/**
 * A file name for `url` that is safe anywhere: the last path segment, decoded, with the query (if any) put
 * before the extension, reduced to letters, digits, `.`, `_` and `-`, never starting with a dot (so never
 * `..`), at most 100 characters; `index.html` for an empty path. Path separators cannot survive, so the
 * file always lands inside the output directory.
 */
export function safeFileName(url: URL): string {
  const segments = url.pathname.split('/').filter((s) => s !== '');
  let name = decodeSafely(segments.at(-1) ?? '');
  const query = decodeSafely(url.search.slice(1));
  if (query !== '') {
    const dot = name.lastIndexOf('.');
    name = dot > 0 ? `${name.slice(0, dot)}_${query}${name.slice(dot)}` : `${name}_${query}`;
  }
  name = name
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 100);
  return name === '' ? 'index.html' : name;
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // Keep the raw text: it is made safe by the caller.
    return text;
  }
}

/**
 * Unique, non-clobbering file names in `dir` (`name`, `name-1`, …), claimed when a response arrives (the
 * name comes from its final URL); files already in `dir` are never overwritten.
 */
class FileNamer {
  private readonly taken: Set<string>;
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.taken = new Set(existsSync(dir) ? readdirSync(dir) : []);
  }

  claim(url: URL): string {
    const base = safeFileName(url);
    const dot = base.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
    let name = base;
    for (let n = 1; this.taken.has(name) || this.taken.has(`${name}.part`); n++) name = `${stem}-${n}${ext}`;
    this.taken.add(name);
    const path = resolve(this.dir, name);
    if (!path.startsWith(this.dir + sep)) throw new Error(`unsafe file name ${name}`); // cannot happen
    return path;
  }
}

/** Live counters for the status line and the summary. */
class Tally {
  done = 0;
  failed = 0;
  bytes = 0;
  /** Requests on the wire now (the session's count). */
  inFlight: () => number = () => 0;
  readonly started = performance.now();

  status(total: number): string {
    const elapsed = performance.now() - this.started;
    return [
      `${this.done}/${total} done`,
      `${this.failed} failed`,
      `${this.inFlight()} in flight`,
      formatBytes(this.bytes),
      formatRate(this.bytes, elapsed),
    ].join(' · ');
  }
}

function describeError(err: unknown, timeoutMs: number): string {
  if (err instanceof ClientTimeoutError) return `timed out (${formatDuration(timeoutMs)} per attempt)`;
  if (err instanceof Error) return err.message;
  return String(err);
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, {
    input: { type: 'string', short: 'i' },
    concurrency: { type: 'string', short: 'c' },
    'per-host': { type: 'string' },
    rate: { type: 'string' },
    timeout: { type: 'string' },
    retries: { type: 'string' },
    output: { type: 'string', short: 'o' },
    json: { type: 'boolean' },
  });
  if (parsed.values.help === true) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const settings = settingsFrom(parsed);
  const { urls, outDir, json } = settings;
  let namer: FileNamer | undefined;
  if (outDir !== undefined) {
    mkdirSync(outDir, { recursive: true });
    namer = new FileNamer(outDir);
  }
  const style = styleFor(process.stdout);
  const tally = new Tally();
  const progress = new ProgressLine(() => tally.status(urls.length));
  const results: Result[] = [];

  const report = (result: Result): void => {
    results.push(result);
    if (json) {
      progress.print(process.stdout, `${JSON.stringify(result)}\n`);
      return;
    }
    const code = (result.status === undefined ? 'ERR' : String(result.status)).padEnd(3);
    const status = result.ok ? style.green(code) : style.red(code);
    const size = result.ok ? formatBytes(result.bytes) : '–';
    const tail = result.ok ? (result.file === undefined ? '' : `  → ${result.file}`) : `  (${result.error})`;
    progress.print(
      process.stdout,
      `${status}  ${size.padStart(9)}  ${formatDuration(result.ms).padStart(8)}  ${result.url}${tail}\n`,
    );
  };

  const options: ClientSessionOptions = {
    limit: settings.concurrency,
    limitPerHost: settings.perHost,
    timeout: { total: settings.timeoutMs },
    retry: settings.retries > 0 ? { attempts: settings.retries + 1 } : false,
  };
  if (settings.rate !== undefined) options.rateLimit = settings.rate;

  let interrupted = false;
  // run() cancels the work on SIGINT/SIGTERM; the exit status tells the shell which one (130/143).
  let stoppedBy: NodeJS.Signals | undefined;
  const noteSignal = (signal: NodeJS.Signals): void => {
    stoppedBy ??= signal;
  };
  process.on('SIGINT', noteSignal).on('SIGTERM', noteSignal);
  try {
    await runTasks(
      async () => {
        const session = new ClientSession(options);
        tally.inFlight = () => session.live.size;
        progress.start();
        try {
          // The session's `limit` (-c) and `limitPerHost` bound what is on the wire; a URL waiting for its
          // host holds no global slot. Tasks are bounded too, so a huge list does not make a task per URL.
          await map(
            async (url) => {
              const result = await fetchOne(session, url, namer, tally, progress, settings.timeoutMs);
              report(result);
            },
            urls,
            { concurrency: Math.min(urls.length, Math.max(settings.concurrency, TASKS)) },
          );
        } catch (err) {
          if (!isCancellation(err)) throw err;
          interrupted = true;
        } finally {
          // Closing must finish even when cancelled (Ctrl-C): shielded.
          await shield(() => session.close());
          progress.stop();
        }
      },
      { signals: ['SIGINT', 'SIGTERM'] },
    );
  } finally {
    process.removeListener('SIGINT', noteSignal).removeListener('SIGTERM', noteSignal);
  }

  const failed = results.filter((r) => !r.ok).length;
  const fetched = results.length - failed;
  const elapsed = performance.now() - tally.started;
  const parts = [`${fetched} fetched`, `${failed} failed`];
  if (interrupted) parts.push(`${urls.length - results.length} not finished`);
  const summary = `${interrupted ? 'interrupted: ' : ''}${parts.join(', ')}, ${formatBytes(tally.bytes)} in ${formatDuration(elapsed)} (${formatRate(tally.bytes, elapsed)})`;
  (json ? process.stderr : process.stdout).write(`${summary}\n`);
  if (interrupted) return stoppedBy === 'SIGTERM' ? 143 : 130;
  return failed > 0 ? 1 : 0;
}

async function fetchOne(
  session: ClientSession,
  url: URL,
  namer: FileNamer | undefined,
  tally: Tally,
  progress: ProgressLine,
  timeoutMs: number,
): Promise<Result> {
  let started = performance.now();
  // Credentials in the URL are sent as Basic auth by the session; they are never printed.
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  const href = shown.href;
  let partPath: string | undefined;
  let bytes = 0;
  let completed = false;
  try {
    const response = await session.get(url);
    // Per-URL time from when the request went on the wire (the session's clock is performance.now()).
    started = response.sentAt;
    progress.update();
    const final = { finalUrl: response.url, attempts: response.attempts };
    if (!response.ok) {
      response.release();
      tally.failed++;
      completed = true;
      return {
        url: href,
        ...final,
        ok: false,
        status: response.status,
        bytes: 0,
        ms: elapsedSince(started),
        error: `HTTP ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}`,
      };
    }
    const path = namer?.claim(new URL(response.url));
    partPath = path === undefined ? undefined : `${path}.part`;
    const file = partPath === undefined ? undefined : await open(partPath, 'w');
    try {
      for await (const chunk of response.body) {
        bytes += chunk.byteLength;
        tally.bytes += chunk.byteLength;
        if (file !== undefined) await file.write(chunk);
      }
    } finally {
      // A foreign promise: it completes even while this task is being cancelled.
      await file?.close();
    }
    if (partPath !== undefined && path !== undefined) renameSync(partPath, path);
    tally.done++;
    completed = true;
    const result: Result = {
      url: href,
      ...final,
      ok: true,
      status: response.status,
      bytes,
      ms: elapsedSince(started),
    };
    if (path !== undefined) result.file = relativeToCwd(path);
    return result;
  } catch (err) {
    if (isCancellation(err)) throw err;
    tally.failed++;
    completed = true;
    return {
      url: href,
      ok: false,
      bytes,
      ms: elapsedSince(started),
      error: describeError(err, timeoutMs),
    };
  } finally {
    if (!completed) tally.bytes -= bytes;
    if (partPath !== undefined) rmSync(partPath, { force: true });
    progress.update();
  }
}

/** Milliseconds since `started`, to a tenth. */
function elapsedSince(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function relativeToCwd(path: string): string {
  const cwd = process.cwd() + sep;
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
}
