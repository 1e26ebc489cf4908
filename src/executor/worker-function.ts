/**
 * What a worker thread can run. A thread has its own JavaScript heap, so a function cannot be shared with it;
 * it is named instead, in one of two ways:
 *  - `workerFunction(moduleUrl, exportName)`: an export of a real module, which the worker imports once (the
 *    normal way: the module has its own imports and can be as large as needed);
 *  - a self-contained function, sent by its source text and compiled once per worker. It must not use
 *    anything from outside its own body (no closures, no imported names, no `this`).
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe } from '../core/validate.js';

declare const kSignature: unique symbol;

/**
 * A reference to a function exported by a module, made by {@link workerFunction}. `F` is the function's type,
 * so that `toThread(ref, ...args)` checks the arguments and types the result.
 */
export interface WorkerFunction<F extends (...args: never[]) => unknown = (...args: unknown[]) => unknown> {
  /** The module's URL (`file:`, `data:` or another URL scheme that `import()` accepts). */
  readonly moduleUrl: string;
  /** The name of the export to call. */
  readonly exportName: string;
  /** Type only: the referenced function's signature. */
  readonly [kSignature]?: F;
}

/** A function a worker can run: a {@link WorkerFunction} reference or a self-contained function. */
export type JobFunction<A extends unknown[], R> = ((...args: A) => R) | WorkerFunction<(...args: A) => R>;

/** What the executor needs to know about a job function. @internal */
export interface JobSpec {
  /** Source text of a function sent by source (undefined for a module export). */
  readonly source: string | undefined;
  /** The `//# sourceURL` under which the worker compiles `source`, so stack frames name it. */
  readonly sourceUrl: string | undefined;
  readonly moduleUrl: string | undefined;
  readonly exportName: string | undefined;
  /** For humans: the function's name or the export's name. */
  readonly name: string;
}

const kJobSpec = Symbol.for('asyncio-ts.executor.jobSpec');

class WorkerFunctionReference {
  readonly moduleUrl: string;
  readonly exportName: string;
  declare readonly [kJobSpec]: JobSpec;

  constructor(moduleUrl: string, exportName: string) {
    this.moduleUrl = moduleUrl;
    this.exportName = exportName;
    const spec: JobSpec = {
      source: undefined,
      sourceUrl: undefined,
      moduleUrl,
      exportName,
      name: exportName,
    };
    Object.defineProperty(this, kJobSpec, { value: spec });
    Object.freeze(this);
  }

  get [Symbol.toStringTag](): string {
    return 'WorkerFunction';
  }
}

/** Resolved module URLs, so that the file-system probe runs once per URL. */
const resolvedUrls = new Map<string, string>();

/**
 * A reference to the function `exportName` (default `'default'`) of the module at `moduleUrl`, to run in
 * a worker thread: the worker imports the module once and calls the export with the job's arguments. This
 * is the normal way to run code in a thread: the module may import anything it needs. Give the function's
 * type as `F` to type-check calls. `moduleUrl` is a URL or an absolute path; a relative path is ambiguous
 * and rejected, so build it with `new URL('./jobs.js', import.meta.url)`. When the program runs from
 * TypeScript sources (tsx) and `./jobs.js` does not exist, the `./jobs.ts` beside it is used.
 *
 * @example
 * ```ts
 * // jobs.ts
 * export function fib(n: number): number { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
 *
 * // main.ts
 * import { toThread, workerFunction } from 'asyncio-ts/executor';
 * const fib = workerFunction<typeof import('./jobs.js').fib>(new URL('./jobs.js', import.meta.url), 'fib');
 * console.log(await toThread(fib, 30)); // 832040
 * ```
 */
export function workerFunction<F extends (...args: never[]) => unknown = (...args: unknown[]) => unknown>(
  moduleUrl: string | URL,
  exportName = 'default',
): WorkerFunction<F> {
  let url: string;
  if (moduleUrl instanceof URL) url = moduleUrl.href;
  else if (typeof moduleUrl === 'string') url = toUrl(moduleUrl);
  else {
    throw new TypeError(
      `workerFunction: moduleUrl must be a URL or an absolute path, received ${describe(moduleUrl)}`,
    );
  }
  if (typeof exportName !== 'string' || exportName === '') {
    throw new TypeError(
      `workerFunction: exportName must be a non-empty string, received ${describe(exportName)}`,
    );
  }
  return new WorkerFunctionReference(resolveSourceFallback(url), exportName) as WorkerFunction<F>;
}

function toUrl(moduleUrl: string): string {
  // A scheme of two letters or more: 'C:\\jobs.js' is a Windows path, not a URL.
  if (/^[a-zA-Z][a-zA-Z\d+.-]+:/.test(moduleUrl)) {
    try {
      return new URL(moduleUrl).href;
    } catch {
      throw new TypeError(`workerFunction: moduleUrl is not a valid URL, received ${describe(moduleUrl)}`);
    }
  }
  if (moduleUrl.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(moduleUrl) || moduleUrl.startsWith('\\\\')) {
    return pathToFileURL(moduleUrl).href;
  }
  throw new TypeError(
    `workerFunction: moduleUrl must be a URL or an absolute path (relative to what? use new URL('./jobs.js', ` +
      `import.meta.url)), received ${describe(moduleUrl)}`,
  );
}

/** A `file:` URL of a missing `.js`/`.mjs`/`.cjs` file whose TypeScript source exists: the source (tsx). */
function resolveSourceFallback(url: string): string {
  if (!url.startsWith('file:')) return url;
  let resolved = resolvedUrls.get(url);
  if (resolved !== undefined) return resolved;
  resolved = url;
  const match = /\.([mc]?)js$/.exec(url);
  if (match !== null) {
    const path = fileURLToPath(url);
    if (!existsSync(path)) {
      const tsUrl = `${url.slice(0, -match[0].length)}.${match[1]}ts`;
      if (existsSync(fileURLToPath(tsUrl))) resolved = tsUrl;
    }
  }
  if (resolvedUrls.size >= 1000) resolvedUrls.clear();
  resolvedUrls.set(url, resolved);
  return resolved;
}

// ---- functions sent by source ---------------------------------------------------------------------------

/** Checked and prepared once per function object. */
const sourceSpecs = new WeakMap<object, JobSpec>();

/**
 * The job spec of `fn` (a function or a {@link WorkerFunction}); a `TypeError` naming `where` when it
 * cannot run in a worker.
 * @internal
 */
export function jobSpecOf(fn: unknown, where: string): JobSpec {
  if (typeof fn === 'function') return sourceSpecOf(fn, where);
  if (typeof fn === 'object' && fn !== null && kJobSpec in fn)
    return (fn as WorkerFunctionReference)[kJobSpec];
  throw new TypeError(
    `${where}: fn must be a function or a workerFunction() reference, received ${describe(fn)}`,
  );
}

function sourceSpecOf(fn: Function, where: string): JobSpec {
  let spec = sourceSpecs.get(fn);
  if (spec !== undefined) return spec;
  const name = fn.name || 'anonymous';
  const cannot = `${where}: fn (${describe(fn)}) cannot be sent to a worker thread`;
  const advice = 'use a self-contained function or workerFunction(moduleUrl, exportName)';
  let source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new TypeError(
      `${cannot}: it is a bound or built-in function, whose source is not available; ${advice}`,
    );
  }
  if (/^class\b/.test(source)) throw new TypeError(`${cannot}: it is a class; ${advice}`);
  if (!compiles(source)) {
    // A method written in shorthand (`{ work(x) { ... } }`) is not an expression; as a function it is.
    const rewritten = methodAsFunction(source);
    if (rewritten === undefined || !compiles(rewritten)) {
      throw new TypeError(`${cannot}: it is a method or accessor that cannot stand alone; ${advice}`);
    }
    source = rewritten;
  }
  if (/\bthis\b/.test(stripLiterals(source))) {
    throw new TypeError(`${cannot}: it uses \`this\`, which does not exist in the worker; ${advice}`);
  }
  spec = {
    source,
    sourceUrl: `asyncio-ts-job:${name.replace(/[^\w$.-]/g, '_')}`,
    moduleUrl: undefined,
    exportName: undefined,
    name,
  };
  sourceSpecs.set(fn, spec);
  return spec;
}

/** Whether `source` parses as a function expression (compiled, never run). */
function compiles(source: string): boolean {
  try {
    new Function(`"use strict"; return (${source}\n);`);
    return true;
  } catch {
    return false;
  }
}

/** `async *name(a) {...}` → `async function* name(a) {...}`; undefined for a computed name or an accessor. */
function methodAsFunction(source: string): string | undefined {
  const match = /^(async\s+)?(\*\s*)?([A-Za-z_$][\w$]*)\s*\(/.exec(source);
  if (match === null) return undefined;
  const [head, isAsync, isGenerator, name] = match;
  return `${isAsync ?? ''}function${isGenerator !== undefined ? '*' : ''} ${name}(${source.slice(head.length)}`;
}

/** The source without comments and string literals, to look for `this` in code only. */
function stripLiterals(source: string): string {
  return source.replace(
    /\/\/[^\n]*|\/\*[\s\S]*?\*\/|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g,
    ' ',
  );
}
