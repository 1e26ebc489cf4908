/**
 * Where the debug layer plugs into the core. The core never imports `src/debug` statically: debug mode,
 * tracing, the signal dump and the task tree of the deadlock report are a {@link DebugLayer} that
 * `src/debug` registers when it is imported (`asyncio-ts/debug`). When a run asks for one of them and
 * nobody imported the debug layer, it is loaded then, once, with a dynamic `import()`, so a plain program
 * never loads it. Task and wait events reach the layer through the diagnostics channels (channels.ts).
 * @module
 */
import type { RunState } from './run-state.js';

/** What `run(main, { debug, trace, dumpOnSignal })` asks the debug layer for. @internal */
export interface RunSessionOptions {
  /** The run's name in the trace and the dump (main's function name). */
  name: string;
  debug: boolean;
  slowCallbackMs: number;
  /** A trace file path, or undefined. */
  trace: string | undefined;
  /** The path came from `ASYNCIO_TS_TRACE`: one file for every run of the process. */
  traceShared: boolean;
  dumpOnSignal: NodeJS.Signals | undefined;
}

/** The debug layer's view of one run, as `run()` drives it. @internal */
export interface RunObserver {
  /** `main` is done: warn about the tasks still pending, before `run()` cancels them (debug mode). */
  beforeLeftovers(): void;
  /** The run has ended: write the trace out and let go of every hook. */
  close(): void;
}

/** What `src/debug` gives the core. @internal */
export interface DebugLayer {
  /** Attaches debug mode, tracing and/or the signal dump to `run` before its main task is made. */
  attachRun(run: RunState, options: RunSessionOptions): RunObserver;
  /** The run's pending tasks as a titled tree (the dump, the deadlock report). */
  formatRunTree(run: RunState, title: string): string;
}

let registered: DebugLayer | undefined;

/** Called by `src/debug` when it is loaded. @internal */
export function registerDebugLayer(layer: DebugLayer): void {
  registered = layer;
}

/** The debug layer, loaded now if nobody has imported it yet. @internal */
export async function loadDebugLayer(): Promise<DebugLayer> {
  if (registered === undefined) await import('../debug/layer.js');
  if (registered === undefined) throw new Error('asyncio-ts: the debug layer did not register itself');
  return registered;
}
