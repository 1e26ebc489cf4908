/**
 * `Process`: a running child (asyncio.subprocess.Process) with stream pipes, `wait`, `communicate` and
 * signals. A cancelled `wait` or `communicate` terminates the child (SIGTERM, SIGKILL after `killGraceMs`)
 * and waits until it is reaped before the call rejects, so cancellation never leaves a process behind.
 * @module
 */

import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { inspect } from 'node:util';
import { cancelledReason } from '../core/cancelled.js';
import { storage } from '../core/context.js';
import { describe } from '../core/validate.js';
import { HOLDS_CLOCK, Waiter, WaiterQueue } from '../core/waiter.js';
import { StreamReader } from '../streams/stream-reader.js';
import type { StreamWriter } from '../streams/stream-writer.js';
import { wireReader, wireWriter } from '../streams/wire.js';
import { type SignalOptions, signalOf } from '../sync/options.js';

/** A wait on a process; named after its pid for the task tree and traces (`wait for pid 4321`). */
class ProcessWaiter<T> extends Waiter<T> {
  constructor(label: string) {
    super(label);
    // The child runs on its own: the task is not blocked on the clock (a virtual clock must not jump).
    this.clockRole = HOLDS_CLOCK;
  }
}

/**
 * A child process started by `createSubprocessExec` or `createSubprocessShell`.
 *
 * @example
 * ```ts
 * import { createSubprocessExec } from 'asyncio-ts/subprocess';
 * const proc = await createSubprocessExec('ls', ['-l'], { stdout: 'pipe' });
 * for await (const line of proc.stdout!) console.log(line.toString().trimEnd());
 * console.log(await proc.wait()); // 0
 * ```
 */
export class Process implements AsyncDisposable {
  /** The process id. */
  readonly pid: number;
  /** The command and arguments as run (for a shell command: `['/bin/sh', '-c', cmd]`). */
  readonly args: readonly string[];
  /** A writer to the child's stdin when it was created with `stdin: 'pipe'`, else `null`. */
  readonly stdin: StreamWriter | null;
  /** A reader of the child's stdout when it was created with `stdout: 'pipe'`, else `null`. */
  readonly stdout: StreamReader | null;
  /** A reader of the child's stderr when it was created with `stderr: 'pipe'`, else `null`. */
  readonly stderr: StreamReader | null;
  /** @internal How long a cancelled wait lets the child handle SIGTERM before SIGKILL. */
  readonly killGraceMs: number;
  /** @internal */
  private readonly child: ChildProcess;
  private code: number | null = null;
  private readonly waiters = new WaiterQueue<ProcessWaiter<number>>();
  /** Resolves when the child has exited and been reaped; never rejects (clean-up awaits it). */
  private readonly exited: Promise<void>;

  /** @internal */
  constructor(child: ChildProcess, args: readonly string[], killGraceMs: number, limit: number | undefined) {
    this.child = child;
    this.pid = child.pid as number;
    this.args = args;
    this.killGraceMs = killGraceMs;
    const options = limit === undefined ? undefined : { limit };
    this.stdin = child.stdin === null ? null : wireWriter(child.stdin, `stdin of pid ${this.pid}`);
    this.stdout = pipeReader(child.stdout, `stdout of pid ${this.pid}`, options);
    this.stderr = pipeReader(child.stderr, `stderr of pid ${this.pid}`, options);
    this.exited = new Promise<void>((resolve) => {
      child.on('exit', (code, signal) => {
        this.code = code ?? -(constants.signals[signal as NodeJS.Signals] ?? 0);
        for (let w = this.waiters.shift(); w !== undefined; w = this.waiters.shift()) w.resolve(this.code);
        resolve();
      });
    });
  }

  /** The exit status; `null` while running, minus the signal number when a signal killed it (asyncio). */
  get returncode(): number | null {
    return this.code;
  }

  /**
   * Waits for the process to exit and returns its {@link returncode}. A checkpoint: if the wait is cancelled,
   * the child is terminated and reaped before the `CancelledError` propagates.
   *
   * @example
   * ```ts
   * const proc = await createSubprocessExec('sleep', ['1']);
   * await proc.wait({ signal: AbortSignal.timeout(5000) }); // 0
   * ```
   */
  wait(options?: SignalOptions): Promise<number> {
    const signal = options === undefined ? undefined : signalOf(options, 'Process.wait');
    const stop = stopReason(signal);
    if (stop !== undefined) return Promise.reject(stop);
    if (this.code !== null) return Promise.resolve(this.code);
    return this.waitInner(signal);
  }

  private async waitInner(signal: AbortSignal | undefined): Promise<number> {
    const waiter = new ProcessWaiter<number>(`wait for pid ${this.pid}`);
    waiter.park(storage.getStore(), signal);
    this.waiters.push(waiter);
    try {
      return await waiter.promise;
    } catch (err) {
      await this.terminateAndReap();
      throw err;
    }
  }

  /**
   * Sends `input` (if any) to stdin and closes it, reads stdout and stderr to their end concurrently (no
   * deadlock whatever their size), waits for the exit, and returns `[stdout, stderr]` (`null` for a stream
   * that is not a pipe). A broken stdin pipe (the child exited without reading) is ignored, as asyncio. A
   * checkpoint: cancelled, it terminates and reaps the child before rejecting.
   *
   * @example
   * ```ts
   * const proc = await createSubprocessExec('cat', [], { stdin: 'pipe', stdout: 'pipe' });
   * const [out] = await proc.communicate('hello'); // Buffer 'hello'
   * ```
   */
  communicate(input?: Uint8Array | string, options?: SignalOptions): Promise<[Buffer | null, Buffer | null]> {
    if (input !== undefined && typeof input !== 'string' && !(input instanceof Uint8Array)) {
      throw new TypeError(
        `Process.communicate: input must be a string or Uint8Array, received ${describe(input)}`,
      );
    }
    if (input !== undefined && this.stdin === null) {
      throw new TypeError("Process.communicate: input was given but the process's stdin is not 'pipe'");
    }
    const signal = options === undefined ? undefined : signalOf(options, 'Process.communicate');
    const stop = stopReason(signal);
    return stop !== undefined ? Promise.reject(stop) : this.communicateInner(input, signal);
  }

  private async communicateInner(
    input: Uint8Array | string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<[Buffer | null, Buffer | null]> {
    const stdin = this.stdin;
    if (stdin !== null && !stdin.isClosing()) {
      if (input !== undefined && input.length > 0) stdin.write(input);
      stdin.close();
    }
    const all = Promise.all([this.stdout?.readAll() ?? null, this.stderr?.readAll() ?? null, this.exited]);
    const waiter = new ProcessWaiter<[Buffer | null, Buffer | null, void]>(
      `communicate with pid ${this.pid}`,
    );
    waiter.park(storage.getStore(), signal);
    all.then(
      (value) => waiter.resolve(value),
      (err: unknown) => waiter.fail(err),
    );
    try {
      const [out, err] = await waiter.promise;
      return [out, err];
    } catch (err) {
      await this.terminateAndReap();
      throw err;
    }
  }

  /**
   * Sends `signal` to the child. Does nothing once it has exited (trio; asyncio raises
   * `ProcessLookupError`), so a race with the child's own exit cannot throw.
   */
  sendSignal(signal: NodeJS.Signals | number): void {
    if (typeof signal !== 'string' && typeof signal !== 'number') {
      throw new TypeError(
        `Process.sendSignal: signal must be a signal name or number, received ${describe(signal)}`,
      );
    }
    if (typeof signal === 'string' && !(signal in constants.signals)) {
      throw new RangeError(`Process.sendSignal: unknown signal ${JSON.stringify(signal)}`);
    }
    if (this.code !== null) return;
    try {
      this.child.kill(signal);
    } catch (err) {
      // ESRCH: exited between our check and the kill (not reaped yet); anything else is the caller's error.
      if ((err as { code?: unknown }).code !== 'ESRCH') throw err;
    }
  }

  /** Sends SIGTERM. */
  terminate(): void {
    this.sendSignal('SIGTERM');
  }

  /** Sends SIGKILL. */
  kill(): void {
    this.sendSignal('SIGKILL');
  }

  /**
   * Terminates the child if it still runs (SIGTERM, then SIGKILL after `killGraceMs`) and waits until it
   * has exited; not a checkpoint (it is what cancellation and `await using` run).
   */
  async terminateAndReap(): Promise<void> {
    if (this.code !== null) return;
    this.terminate();
    // A real timer, not the run's clock: the child lives in real time even under a virtual clock.
    const timer = setTimeout(() => this.sendSignal('SIGKILL'), this.killGraceMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Terminates and reaps the child if it still runs, and closes its pipes. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.terminateAndReap();
    this.stdin?.close();
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
  }

  /** @internal */
  [inspect.custom](): string {
    return `<Process pid=${this.pid} ${this.code === null ? 'running' : `returncode=${this.code}`}>`;
  }
}

function pipeReader(
  source: ChildProcess['stdout'],
  peer: string,
  options: { limit: number } | undefined,
): StreamReader | null {
  if (source === null) return null;
  const reader = new StreamReader(options);
  wireReader(source, reader, peer);
  return reader;
}

/** The checkpoint of a waiting call: why it must not start, if so. */
function stopReason(signal: AbortSignal | undefined): unknown {
  return cancelledReason(storage.getStore(), signal);
}
