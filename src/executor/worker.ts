/**
 * The worker thread's entry: piscina loads this module in every worker of a `ThreadPoolExecutor` and calls
 * its default export once per job. It finds the job's function (imports a module export once, or compiles
 * a function's source once), runs it with the job's cancellation flag in scope for `cancelled()` and
 * `jobSignal()`, and encodes a failure so that its name, message, stack, cause and properties survive the
 * trip back. It is compiled like every other module: `dist/executor/worker.js` beside the executor, or run
 * from `src/executor/worker.ts` through tsx (workers inherit `--import tsx` from the parent's execArgv).
 * @internal
 * @module
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { threadId, workerData } from 'node:worker_threads';
import { CANCELLED_BEFORE_START, encodeFailure } from './error-transport.js';
import { enterJob, leaveJob } from './job-context.js';
import type { JobMessage } from './job-message.js';
import { FLAGS_KEY, SLOT_IDLE, SLOT_RUNNING, THREAD_IDS_KEY } from './job-message.js';
import { markResult } from './move.js';

const shared = workerData as Record<string, SharedArrayBuffer>;
const flags = new Int32Array(shared[FLAGS_KEY]!);
const threadIds = new Int32Array(shared[THREAD_IDS_KEY]!);

/** Compiled sources and imported exports. Bounded, in case a program generates functions endlessly. */
const functions = new Map<string, Function>();
const MAX_CACHED = 1000;

// tsx and esbuild (keepNames) wrap named inner functions in `__name(fn, "name")`; the helper is module-local
// on the sending side, so the worker provides its own.
function keepName<F extends Function>(fn: F, name: string): F {
  return Object.defineProperty(fn, 'name', { value: name, configurable: true });
}

function remember(key: string, fn: Function): Function {
  if (functions.size >= MAX_CACHED) functions.delete(functions.keys().next().value as string);
  functions.set(key, fn);
  return fn;
}

function compile(source: string, sourceUrl: string): Function {
  const cached = functions.get(source);
  if (cached !== undefined) return cached;
  // Strict, as the module the function came from was. The sourceURL names the function in stack traces.
  const factory = new Function('__name', `"use strict"; return (${source}\n);\n//# sourceURL=${sourceUrl}`);
  const fn: unknown = factory(keepName);
  if (typeof fn !== 'function') throw new TypeError(`The source sent for ${sourceUrl} is not a function`);
  return remember(source, fn);
}

/** The export, from the cache, or imported once (a promise only the first time). */
function exportOf(moduleUrl: string, exportName: string): Function | Promise<Function> {
  const key = `${exportName}\n${moduleUrl}`;
  return functions.get(key) ?? load(key, moduleUrl, exportName);
}

async function load(key: string, moduleUrl: string, exportName: string): Promise<Function> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(moduleUrl)) as Record<string, unknown>;
  } catch (err) {
    namespace = requireTypeScript(moduleUrl, err);
  }
  const fn = namespace[exportName];
  if (typeof fn !== 'function') {
    const found = fn === undefined ? 'no such export' : `a ${typeof fn}`;
    throw new TypeError(
      `workerFunction: the export ${JSON.stringify(exportName)} of ${moduleUrl} is not a function (${found})`,
    );
  }
  return remember(key, fn as Function);
}

/**
 * A TypeScript module in a worker under tsx on Node 20: tsx registers its ESM hooks in the main thread only
 * (Node 20 does not pass them on to workers) but its CommonJS hooks in every thread, so `import()` does not
 * know `.ts` while `require()` compiles it. Any other failure is rethrown as it was.
 */
function requireTypeScript(moduleUrl: string, importError: unknown): Record<string, unknown> {
  const code = (importError as { code?: unknown } | null)?.code;
  if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/^file:.*\.[mc]?ts$/.test(moduleUrl)) throw importError;
  try {
    return createRequire(moduleUrl)(fileURLToPath(moduleUrl)) as Record<string, unknown>;
  } catch {
    throw importError;
  }
}

/**
 * Throws a `DataCloneError` naming the problem if `result` cannot be structured-cloned back to the main
 * thread. piscina would find out only when it posts the result, from code that rethrows the error outside
 * every job: the thread dies and the job surfaces as a crash whose cause Node 20 cannot even copy (`{}`).
 * Copying it once here costs what the post costs, on the worker's time; values that always clone (primitives,
 * buffers, typed arrays) skip it.
 */
function checkCloneable(result: unknown): void {
  if (typeof result !== 'object' && typeof result !== 'function' && typeof result !== 'symbol') return;
  if (result === null || result instanceof ArrayBuffer || ArrayBuffer.isView(result)) return;
  let problem: string;
  try {
    structuredClone(result);
    return;
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
  }
  const error = new Error(
    `The job's result could not be cloned to send it back to the main thread (${problem}). Return data ` +
      'that structured clone can copy (plain objects, arrays, Map, Set, Date, typed arrays…; not functions, ' +
      'symbols, promises or objects holding them), or move() a buffer.',
  );
  error.name = 'DataCloneError';
  (error as Error & { code: string }).code = 'ERR_RESULT_NOT_CLONEABLE';
  throw error;
}

/** Runs one job. A rejection carries an encoded failure (a plain object), never a live Error. */
export default async function runJob(message: JobMessage): Promise<unknown> {
  const slot = message.slot;
  Atomics.store(threadIds, slot, threadId);
  // Claim the job; if it was cancelled while it waited for this worker, never run it.
  if (Atomics.compareExchange(flags, slot, SLOT_IDLE, SLOT_RUNNING) !== SLOT_IDLE)
    throw CANCELLED_BEFORE_START;
  if (message.notifyStart === true) Atomics.notify(flags, slot);
  const source = message.source;
  let fn: Function;
  try {
    if (source !== undefined) fn = compile(source, message.sourceUrl!);
    else {
      const found = exportOf(message.moduleUrl!, message.exportName!);
      fn = found instanceof Promise ? await found : found;
    }
  } catch (err) {
    throw encodeFailure(err);
  }
  const job = enterJob(flags, slot);
  try {
    let result: unknown = fn(...message.args);
    if (
      typeof result === 'object' &&
      result !== null &&
      typeof (result as PromiseLike<unknown>).then === 'function'
    ) {
      result = await result;
    }
    const marked = markResult(result);
    if (marked === result) checkCloneable(result);
    return marked;
  } catch (err) {
    throw encodeFailure(err, source !== undefined ? message.sourceUrl : undefined);
  } finally {
    leaveJob(job);
  }
}
