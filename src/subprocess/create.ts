/**
 * `createSubprocessExec` and `createSubprocessShell` (asyncio's `create_subprocess_exec`/`_shell`) on
 * `node:child_process`. POSIX only in what is tested and documented; Windows-only features are out of scope.
 * @module
 */

import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { checkInteger, checkMs, checkOptions, describe } from '../core/validate.js';
import { HOLDS_CLOCK, Waiter } from '../core/waiter.js';
import { signalOf } from '../sync/options.js';
import { SpawnError } from './errors.js';
import { Process } from './process.js';

/**
 * Where a standard stream of the child goes: `'pipe'` (a {@link Process} reader or writer), `'inherit'` (this
 * process's own; the default, as asyncio's `None`), `'ignore'` (`/dev/null`, asyncio's `DEVNULL`), or an open
 * file descriptor.
 */
export type StdioOption = 'pipe' | 'inherit' | 'ignore' | number;

/** Options of {@link createSubprocessExec} and {@link createSubprocessShell}. */
export interface SubprocessOptions {
  /** The child's stdin (default `'inherit'`). */
  stdin?: StdioOption;
  /** The child's stdout (default `'inherit'`). */
  stdout?: StdioOption;
  /** The child's stderr (default `'inherit'`). */
  stderr?: StdioOption;
  /** Working directory of the child. */
  cwd?: string | URL;
  /** Environment of the child (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Line limit and flow-control mark of the stdout/stderr readers, in bytes (default 64 KiB). */
  limit?: number;
  /** How long a cancelled `wait`/`communicate` lets the child handle SIGTERM before SIGKILL (default 5000). */
  killGraceMs?: number;
  /** Aborts the start (the child, if already started, is killed and reaped). */
  signal?: AbortSignal;
}

const DEFAULT_KILL_GRACE_MS = 5000;

/**
 * Starts `program` with `args` (no shell) and resolves once it runs. A missing or non-executable program
 * rejects with {@link SpawnError}. A checkpoint.
 *
 * @example
 * ```ts
 * import { createSubprocessExec } from 'asyncio-ts/subprocess';
 * const proc = await createSubprocessExec('git', ['log', '-1'], { stdout: 'pipe' });
 * const [out] = await proc.communicate();
 * console.log(out!.toString(), proc.returncode);
 * ```
 */
export function createSubprocessExec(
  program: string,
  args: readonly string[] = [],
  options?: SubprocessOptions,
): Promise<Process> {
  const where = 'createSubprocessExec';
  if (typeof program !== 'string' || program.length === 0) {
    throw new TypeError(`${where}: program must be a non-empty string, received ${describe(program)}`);
  }
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) {
    throw new TypeError(`${where}: args must be an array of strings, received ${describe(args)}`);
  }
  return start(program, args, false, options, where);
}

/**
 * Runs `cmd` with `/bin/sh -c` and resolves once it runs. Quote untrusted input yourself, or prefer
 * {@link createSubprocessExec}. A checkpoint.
 *
 * @example
 * ```ts
 * import { createSubprocessShell } from 'asyncio-ts/subprocess';
 * const proc = await createSubprocessShell('ls | wc -l', { stdout: 'pipe' });
 * const [out] = await proc.communicate();
 * ```
 */
export function createSubprocessShell(cmd: string, options?: SubprocessOptions): Promise<Process> {
  const where = 'createSubprocessShell';
  if (typeof cmd !== 'string' || cmd.length === 0) {
    throw new TypeError(`${where}: cmd must be a non-empty string, received ${describe(cmd)}`);
  }
  return start(cmd, [], true, options, where);
}

/** @internal The validated options, with defaults. */
export interface CheckedOptions {
  stdio: StdioOptions;
  cwd: string | URL | undefined;
  env: NodeJS.ProcessEnv | undefined;
  limit: number | undefined;
  killGraceMs: number;
  signal: AbortSignal | undefined;
}

/** @internal */
export function checkSubprocessOptions(
  options: SubprocessOptions | undefined,
  where: string,
): CheckedOptions {
  checkOptions(options, where);
  const o = options ?? {};
  const stdio: StdioOptions = [
    checkStdio(o.stdin, 'stdin', where),
    checkStdio(o.stdout, 'stdout', where),
    checkStdio(o.stderr, 'stderr', where),
  ];
  if (o.cwd !== undefined && typeof o.cwd !== 'string' && !(o.cwd instanceof URL)) {
    throw new TypeError(`${where}: options.cwd must be a string or URL, received ${describe(o.cwd)}`);
  }
  if (o.env !== undefined && (typeof o.env !== 'object' || o.env === null)) {
    throw new TypeError(`${where}: options.env must be an object, received ${describe(o.env)}`);
  }
  if (o.limit !== undefined) checkInteger(o.limit, 'options.limit', where, 1);
  const killGraceMs = o.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  checkMs(killGraceMs, 'options.killGraceMs', where);
  if (killGraceMs < 0) {
    throw new RangeError(`${where}: options.killGraceMs must be >= 0, received ${killGraceMs}`);
  }
  return {
    stdio,
    cwd: o.cwd,
    env: o.env,
    limit: o.limit,
    killGraceMs,
    signal: signalOf(o.signal === undefined ? undefined : { signal: o.signal }, where),
  };
}

function checkStdio(value: unknown, name: string, where: string): 'pipe' | 'inherit' | 'ignore' | number {
  if (value === undefined) return 'inherit';
  if (value === 'pipe' || value === 'inherit' || value === 'ignore') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new TypeError(
    `${where}: options.${name} must be 'pipe', 'inherit', 'ignore' or a file descriptor, received ${describe(value)}`,
  );
}

function start(
  program: string,
  args: readonly string[],
  shell: boolean,
  options: SubprocessOptions | undefined,
  where: string,
): Promise<Process> {
  const o = checkSubprocessOptions(options, where);
  const scope = storage.getStore();
  const cancelled = cancelledReason(scope, o.signal);
  if (cancelled !== undefined) return Promise.reject(cancelled);
  return spawnProcess(program, args, shell, o, scope);
}

/** @internal Spawns and waits for the `spawn` event (or the error that says why not). */
export async function spawnProcess(
  program: string,
  args: readonly string[],
  shell: boolean,
  o: CheckedOptions,
  scope = storage.getStore(),
): Promise<Process> {
  const child: ChildProcess = spawn(program, args, {
    stdio: o.stdio,
    cwd: o.cwd,
    env: o.env,
    shell,
    windowsHide: true,
  });
  const argv = shell ? ['/bin/sh', '-c', program] : [program, ...args];
  const waiter = new Waiter<void>(`spawn ${program}`);
  waiter.clockRole = HOLDS_CLOCK;
  waiter.park(scope, o.signal);
  let failure: unknown;
  const onError = (err: unknown): void => {
    failure = err;
    waiter.fail(new SpawnError(program, err, o.cwd === undefined ? undefined : String(o.cwd)));
  };
  child.once('error', onError);
  child.once('spawn', () => {
    child.off('error', onError);
    waiter.resolve();
  });
  // Kill errors after the start (rare: EPERM) must not crash the process; sendSignal reports its own.
  child.on('error', ignore);
  try {
    await waiter.promise;
  } catch (err) {
    if (failure === undefined && child.pid !== undefined) {
      // Cancelled between spawn() and the spawn event: the child runs, so kill and reap it first.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
    child.stdin?.destroy();
    child.stdout?.destroy();
    child.stderr?.destroy();
    throw err;
  }
  return new Process(child, argv, o.killGraceMs, o.limit);
}

function ignore(): void {}
