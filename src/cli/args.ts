/**
 * Command-line parsing for every command, on `node:util`'s `parseArgs` (no dependency: it covers long and
 * short options, `--opt=value`, `--` and strict unknown-option errors, which is all the CLI needs), plus
 * the value checks the commands share. A bad command line is a {@link UsageError}: one line, exit code 2.
 * @module
 * @internal
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A bad command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** A failure of the command itself (a file that cannot be read…): one line, exit code 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command accepts. */
const COMMON: Options = { help: { type: 'boolean', short: 'h' } };

/** The parsed command line: option values by name and the positionals. */
export interface Parsed {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` strictly: an unknown option, a missing value or a stray positional is a {@link UsageError}
 * whose message names the offending argument (the caller prefixes the command).
 */
export function parseCommandLine(
  argv: readonly string[],
  options: Options,
  maxPositionals = Number.POSITIVE_INFINITY,
): Parsed {
  let parsed: Parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...COMMON, ...options },
      allowPositionals: maxPositionals > 0,
      strict: true,
    }) as Parsed;
  } catch (err) {
    throw new UsageError(explainParseError(err));
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument '${parsed.positionals[maxPositionals]}'`);
  }
  return parsed;
}

/** parseArgs' messages are long and advise about `--`; keep the first sentence, in our words. */
function explainParseError(err: unknown): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${quoted ?? message}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = (quoted ?? '?').replace(/^-\w, /, '').replace(/ <value>$/, '');
      if (message.includes('argument missing')) return `option '${name}' needs a value`;
      if (message.includes('ambiguous')) {
        return `option '${name}' needs a value (write ${name}=-… for a value that starts with -)`;
      }
      return `option '${name}' takes no value`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted ?? message}'`;
    default:
      return message.split('. ')[0]!;
  }
}

/** A string option's value (undefined when absent). */
export function stringOption(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** An integer option ≥ `min`. */
export function integerOption(parsed: Parsed, name: string, fallback: number, min: number): number {
  const text = stringOption(parsed, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new UsageError(`--${name} must be an integer >= ${min}, received '${text}'`);
  }
  return value;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration: `500ms`, `10s`, `2m`, `1h`, or a bare number of seconds (as curl's `--max-time` and wget's
 * `--timeout`). Returns milliseconds.
 */
export function parseDuration(text: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) {
    throw new UsageError(`--${name} must be a duration such as 10s, 500ms or 2m, received '${text}'`);
  }
  const ms = Number(match[1]) * DURATION_UNITS[match[2] ?? 's']!;
  if (!(ms > 0)) throw new UsageError(`--${name} must be more than 0, received '${text}'`);
  return ms;
}

/** A rate: `10/s`, `600/m`, `5/h` or a bare number per second. Returns `{ rate, perMs }`. */
export function parseRate(text: string, name: string): { rate: number; perMs: number } {
  const match = /^(\d+)(?:\/(ms|s|m|h|sec|min|hour))?$/.exec(text.trim());
  if (match === null || Number(match[1]) < 1) {
    throw new UsageError(`--${name} must be a rate such as 10/s or 600/m, received '${text}'`);
  }
  const unit = { sec: 's', min: 'm', hour: 'h' }[match[2] ?? ''] ?? match[2] ?? 's';
  return { rate: Number(match[1]), perMs: DURATION_UNITS[unit]! };
}
