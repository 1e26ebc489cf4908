/**
 * `runProcess`: run a command to completion (trio's `run_process`, Python's `subprocess.run`).
 * @module
 */
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { describe } from '../core/validate.js';
import { checkSubprocessOptions, spawnProcess } from './create.js';
import { CalledProcessError } from './errors.js';

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  /** Throw {@link CalledProcessError} when the command exits non-zero or is killed (default `true`). */
  check?: boolean;
  /** Capture stdout and stderr into the result (default `false`: they go to this process's own). */
  capture?: boolean;
  /** Bytes or a UTF-8 string for the command's stdin; without it stdin is empty (`/dev/null`). */
  input?: Uint8Array | string;
  /** Working directory of the command. */
  cwd?: string | URL;
  /** Environment of the command (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** On cancellation: how long after SIGTERM before SIGKILL (default 5000). */
  killGraceMs?: number;
  /** Aborts the run: the command is terminated and reaped, then the call rejects with the reason. */
  signal?: AbortSignal;
}

/** What {@link runProcess} returns. */
export interface CompletedProcess {
  /** The command and its arguments. */
  readonly args: readonly string[];
  /** The exit status, or minus the signal number (only without `check`). */
  readonly returncode: number;
  /** Captured stdout, or `null` without `capture`. */
  readonly stdout: Buffer | null;
  /** Captured stderr, or `null` without `capture`. */
  readonly stderr: Buffer | null;
}

/**
 * Runs `cmd` with `args` to completion and returns its status and captured output. Cancelled (or aborted by
 * `signal`), it terminates the command (SIGTERM, SIGKILL after `killGraceMs`) and reaps it before rejecting.
 *
 * @example
 * <!-- no-run: ends with the TimeoutError it shows -->
 * ```ts
 * import { runProcess } from 'asyncio-ts/subprocess';
 * import { timeout } from 'asyncio-ts';
 * const { stdout } = await runProcess('ls', ['-l'], { capture: true });
 * await timeout(1000, () => runProcess('sleep', ['10'])); // TimeoutError; `sleep` is gone
 * ```
 */
export function runProcess(
  cmd: string,
  args: readonly string[] = [],
  options?: RunProcessOptions,
): Promise<CompletedProcess> {
  const where = 'runProcess';
  if (typeof cmd !== 'string' || cmd.length === 0) {
    throw new TypeError(`${where}: cmd must be a non-empty string, received ${describe(cmd)}`);
  }
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) {
    throw new TypeError(`${where}: args must be an array of strings, received ${describe(args)}`);
  }
  const input = options?.input;
  if (input !== undefined && typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new TypeError(
      `${where}: options.input must be a string or Uint8Array, received ${describe(input)}`,
    );
  }
  const check = options?.check ?? true;
  const capture = options?.capture ?? false;
  for (const [name, value] of [
    ['check', check],
    ['capture', capture],
  ] as const) {
    if (typeof value !== 'boolean') {
      throw new TypeError(`${where}: options.${name} must be a boolean, received ${describe(value)}`);
    }
  }
  const o = checkSubprocessOptions(
    {
      stdin: input === undefined ? 'ignore' : 'pipe',
      stdout: capture ? 'pipe' : 'inherit',
      stderr: capture ? 'pipe' : 'inherit',
      cwd: options?.cwd,
      env: options?.env,
      killGraceMs: options?.killGraceMs,
      signal: options?.signal,
    },
    where,
  );
  const scope = storage.getStore();
  const cancelled = cancelledReason(scope, o.signal);
  if (cancelled !== undefined) return Promise.reject(cancelled);
  return runChecked(cmd, args, input, check, o);
}

async function runChecked(
  cmd: string,
  args: readonly string[],
  input: Uint8Array | string | undefined,
  check: boolean,
  o: ReturnType<typeof checkSubprocessOptions>,
): Promise<CompletedProcess> {
  const proc = await spawnProcess(cmd, args, false, o);
  const [stdout, stderr] = await proc.communicate(
    input,
    o.signal === undefined ? undefined : { signal: o.signal },
  );
  const returncode = proc.returncode as number;
  if (check && returncode !== 0) throw new CalledProcessError(returncode, proc.args, stdout, stderr);
  return { args: proc.args, returncode, stdout, stderr };
}
