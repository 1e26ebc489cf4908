/**
 * The errors of `asyncio-ts/subprocess` (DESIGN §12), each with a stable `code`.
 * @module
 */
import { constants } from 'node:os';
import { AsyncioError, registerErrorClass } from '../core/errors.js';

/**
 * `runProcess` with `check` (the default) ran a command that exited non-zero or was killed by a signal.
 * Carries the exit status and whatever output was captured.
 *
 * @example
 * ```ts
 * import { runProcess, CalledProcessError } from 'asyncio-ts/subprocess';
 * try {
 *   await runProcess('sh', ['-c', 'echo oops >&2; exit 3'], { capture: true });
 * } catch (err) {
 *   if (err instanceof CalledProcessError) console.log(err.returncode, err.stderr?.toString()); // 3 'oops\n'
 * }
 * ```
 */
export class CalledProcessError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.CalledProcessError');
  /** The exit status, or minus the signal number when a signal killed the process. */
  readonly returncode: number;
  /** The command and its arguments. */
  readonly cmd: readonly string[];
  /** Captured standard output, or `null` when not captured. */
  readonly stdout: Buffer | null;
  /** Captured standard error, or `null` when not captured. */
  readonly stderr: Buffer | null;
  constructor(returncode: number, cmd: readonly string[], stdout: Buffer | null, stderr: Buffer | null) {
    const what =
      returncode < 0
        ? `died with signal ${signalName(-returncode)}`
        : `returned non-zero exit status ${returncode}`;
    super(`Command ${JSON.stringify(cmd.join(' '))} ${what}`, 'ERR_CALLED_PROCESS');
    this.returncode = returncode;
    this.cmd = cmd;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}
registerErrorClass(CalledProcessError, 'CalledProcessError');

/**
 * The process could not be started: the executable is missing (`errno` `'ENOENT'`), not executable
 * (`'EACCES'`), or the working directory does not exist. Python raises `FileNotFoundError`/`PermissionError`.
 *
 * @example
 * ```ts
 * import { createSubprocessExec, SpawnError } from 'asyncio-ts/subprocess';
 * await createSubprocessExec('no-such-program').catch((err) => err instanceof SpawnError && err.errno); // 'ENOENT'
 * ```
 */
export class SpawnError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.SpawnError');
  /** The system error code: `'ENOENT'`, `'EACCES'`, … */
  readonly errno: string | undefined;
  /** The program that was to be run. */
  readonly path: string;
  constructor(path: string, cause: unknown, cwd?: string) {
    const errno = (cause as { code?: unknown } | null)?.code;
    const code = typeof errno === 'string' ? errno : undefined;
    const why =
      code === 'ENOENT'
        ? cwd === undefined
          ? 'executable not found (ENOENT)'
          : `executable or working directory ${JSON.stringify(cwd)} not found (ENOENT)`
        : code === 'EACCES'
          ? 'permission denied (EACCES)'
          : cause instanceof Error
            ? cause.message
            : String(cause);
    super(`Cannot run ${JSON.stringify(path)}: ${why}`, 'ERR_SPAWN', { cause });
    this.errno = code;
    this.path = path;
  }
}
registerErrorClass(SpawnError, 'SpawnError');

/** `'SIGKILL'` for 9. @internal */
export function signalName(signo: number): string {
  for (const [name, value] of Object.entries(constants.signals)) if (value === signo) return name;
  return String(signo);
}
