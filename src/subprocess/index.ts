/**
 * `asyncio-ts/subprocess`: asyncio's subprocesses on `node:child_process`, with the library's cancellation:
 * a cancelled `wait`, `communicate` or `runProcess` terminates the child and reaps it before it rejects.
 * @module
 */

export { StreamReader, type StreamReaderOptions } from '../streams/stream-reader.js';
export { StreamWriter } from '../streams/stream-writer.js';
export {
  createSubprocessExec,
  createSubprocessShell,
  type StdioOption,
  type SubprocessOptions,
} from './create.js';
export { CalledProcessError, SpawnError } from './errors.js';
export { Process } from './process.js';
export { type CompletedProcess, type RunProcessOptions, runProcess } from './run-process.js';
