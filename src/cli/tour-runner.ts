/**
 * Runs one example for `asyncio-ts tour` (in a child process, under tsx) and measures it: the library is
 * loaded first, so the measured time is the program's own, not module loading. Every stdout line is stamped
 * with its time since the program started. The report goes to file descriptor 3 as one JSON line.
 *
 *   node --import tsx dist/cli/tour-runner.js examples/hello.ts
 * @module
 * @internal
 */
import { writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What the runner reports to the tour. */
export interface RunReport {
  /** Milliseconds from the program's start to its end (its last top-level await settling). */
  elapsedMs: number;
  /** Each line the program printed on stdout, with milliseconds since its start. */
  lines: Array<{ t: number; text: string }>;
  /** The error the program ended with, as one line, if it failed. */
  error?: string;
}

const REPORT_FD = 3;

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: tour-runner <example file>');
  // Warm the module graph the example will use (resolved the same way: tsx maps these to src/ in the repo).
  for (const specifier of ['asyncio-ts', 'asyncio-ts/executor', 'asyncio-ts/http', 'asyncio-ts/testing']) {
    try {
      await import(specifier);
    } catch {
      // A subpath still being written: the example that needs it will say so.
    }
  }
  const lines: RunReport['lines'] = [];
  let partial = '';
  let t0 = 0;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const t = performance.now() - t0;
    partial += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    let newline = partial.indexOf('\n');
    while (newline >= 0) {
      lines.push({ t, text: partial.slice(0, newline) });
      partial = partial.slice(newline + 1);
      newline = partial.indexOf('\n');
    }
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;

  let reported = false;
  const report = (error?: unknown): void => {
    if (reported) return;
    reported = true;
    if (partial !== '') lines.push({ t: performance.now() - t0, text: partial });
    const result: RunReport = { elapsedMs: performance.now() - t0, lines };
    if (error !== undefined) {
      result.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    try {
      writeSync(REPORT_FD, `${JSON.stringify(result)}\n`);
    } catch {
      // Run by hand, without the tour's pipe: nothing to report to.
    }
  };
  // An example that calls process.exit() still reports.
  process.on('exit', () => report());
  t0 = performance.now();
  try {
    await import(pathToFileURL(resolve(file)).href);
    report();
  } catch (err) {
    report(err);
    throw err;
  }
}

await main();
