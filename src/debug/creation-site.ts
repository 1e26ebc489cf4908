/**
 * Where a task or a wait was created, for debug-mode warnings and the task tree: the caller's stack with
 * asyncio-ts's own frames (and Node's internals) left out, so the first line is the user's code.
 * @module
 */
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The package's own source folder (`src/` under tsx, `dist/` when built): frames there are not the user's. */
const packageDir = `${dirname(dirname(fileURLToPath(import.meta.url)))}/`;
const packageUrl = pathToFileURL(packageDir).href;
const cwdUrl = `${pathToFileURL(process.cwd()).href}/`;
const cwdPath = `${process.cwd()}/`;

/** How many user frames a creation stack keeps. */
const USER_FRAMES = 8;
/** How many frames to capture: ours come first and are dropped. */
const CAPTURED_FRAMES = 24;

/** A captured stack whose frames are only formatted (and filtered) when first read. */
export interface StackHolder {
  stack?: string;
}

/**
 * Captures the current stack without formatting it. Frames of `above` and everything it called are
 * omitted (pass the internal entry point, e.g. `spawn`), which also keeps the captured frames from holding
 * the object under construction.
 */
export function captureStack(above?: Function): StackHolder {
  const holder: StackHolder = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = CAPTURED_FRAMES;
  Error.captureStackTrace(holder, above);
  Error.stackTraceLimit = limit;
  return holder;
}

/** The user frames of a captured stack, one `at …` line each, paths relative to the working directory. */
export function userFrames(holder: StackHolder): string {
  const text = holder.stack ?? '';
  const lines = text.split('\n');
  const kept: string[] = [];
  for (let i = 1; i < lines.length && kept.length < USER_FRAMES; i++) {
    const line = lines[i]!;
    if (isInternalFrame(line)) continue;
    kept.push(`    ${shortenPaths(line.trim())}`);
  }
  return kept.join('\n');
}

/** The first user frame without its `at `, e.g. `main (test/debug/tree.test.ts:12:5)`; undefined if none. */
export function firstUserFrame(stack: string): string | undefined {
  const newline = stack.indexOf('\n');
  const first = (newline < 0 ? stack : stack.slice(0, newline)).trim();
  if (first === '') return undefined;
  return first.startsWith('at ') ? first.slice(3) : first;
}

/**
 * The location alone of a frame from {@link firstUserFrame}, e.g. `test/debug/tree.test.ts:12:5` (for the
 * task tree and traces: an async arrow's name is often just `<anonymous>`).
 */
export function frameLocation(frame: string): string {
  const open = frame.lastIndexOf(' (');
  if (open >= 0 && frame.endsWith(')')) return frame.slice(open + 2, -1);
  return frame.startsWith('async ') ? frame.slice(6) : frame; // top-level await: `async file:line:col`
}

function isInternalFrame(line: string): boolean {
  return (
    line.includes(packageUrl) ||
    line.includes(packageDir) ||
    line.includes('(node:') ||
    line.includes('at node:') ||
    line.includes('diagnostics_channel')
  );
}

function shortenPaths(line: string): string {
  return line.split(cwdUrl).join('').split(cwdPath).join('');
}
