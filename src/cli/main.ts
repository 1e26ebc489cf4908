#!/usr/bin/env node
/**
 * `asyncio-ts`: the command-line tool. `asyncio-ts --help` lists the commands; each has `--help`.
 * Exit codes: 0 success, 1 the command failed (e.g. a fetch failed), 2 a bad command line, 130 interrupted
 * by SIGINT (Ctrl-C), 143 stopped by SIGTERM (docs/cli.md).
 * @module
 * @internal
 */
import { readFileSync } from 'node:fs';
import { isCancellation } from '../core/errors.js';
import { CommandError, UsageError } from './args.js';
import { COMMANDS } from './command.js';

/** The package version, from the package.json next to `dist/` (or `src/`). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: asyncio-ts <command> [options]',
    '',
    "Python asyncio's model for TypeScript: cancellable tasks, task groups, timeouts, locks, queues,",
    'worker threads and a pooled HTTP client on one cancellation model.',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    "  -h, --help     show this help (or a command's: asyncio-ts <command> --help)",
    '  -V, --version  print the version',
    '',
    'Start with: asyncio-ts tour',
  ].join('\n');
}

/** Runs the command line `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (first === '-V' || first === '--version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  let name = first;
  let args = rest;
  if (first === 'help') {
    if (rest.length === 0) {
      process.stdout.write(`${usage()}\n`);
      return 0;
    }
    name = rest[0]!;
    args = ['--help'];
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    const what = name.startsWith('-') ? 'unknown option' : 'unknown command';
    return fail('asyncio-ts', `${what} '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')})`, 2);
  }
  try {
    const module = await command.load();
    return await module.run(args);
  } catch (err) {
    if (err instanceof UsageError) {
      return fail(`asyncio-ts ${name}`, `${err.message} (see asyncio-ts ${name} --help)`, 2);
    }
    if (err instanceof CommandError) return fail(`asyncio-ts ${name}`, err.message, err.exitCode);
    // run() cancelled by SIGINT/SIGTERM has set the shell's status for that signal (130/143).
    const status = process.exitCode;
    if (isCancellation(err) && typeof status === 'number' && status > 128) {
      return fail(`asyncio-ts ${name}`, 'interrupted', status);
    }
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return fail(`asyncio-ts ${name}`, message, 1);
  }
}

function fail(prefix: string, message: string, code: number): number {
  process.stderr.write(`${prefix}: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  return code;
}

process.exitCode = await main(process.argv.slice(2));
