/**
 * The shape of a CLI command and the list of them. Commands load lazily, so `asyncio-ts --help` and
 * `tour` never load undici or the thread pool.
 * @module
 * @internal
 */

/** A command module: its help text and its entry point (returns the exit code). */
export interface CommandModule {
  readonly help: string;
  run(argv: string[]): Promise<number>;
}

/** A command as `asyncio-ts --help` lists it. */
export interface CommandInfo {
  readonly name: string;
  readonly summary: string;
  load(): Promise<CommandModule>;
}

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly CommandInfo[] = [
  {
    name: 'tour',
    summary: "the seed document's programs: Python beside TypeScript, run and measured",
    load: () => import('./tour.js'),
  },
  {
    name: 'fetch',
    summary: 'a concurrent downloader: limits per host, rate, timeout, retries, progress',
    load: () => import('./fetch.js'),
  },
  {
    name: 'serve',
    summary: 'the local httpbin-like test server on 127.0.0.1',
    load: () => import('./serve.js'),
  },
  {
    name: 'trace',
    summary: 'run a script with tracing on, then draw its timeline',
    load: () => import('./trace.js'),
  },
  {
    name: 'timeline',
    summary: 'draw a saved trace as a terminal timeline (or an SVG file)',
    load: () => import('./timeline.js'),
  },
];
