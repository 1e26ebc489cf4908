/**
 * `asyncio-ts/streams`: asyncio's streams on `node:net` and `node:tls`: buffered readers with flow control,
 * writers with `drain()` backpressure, and servers whose connection handlers are tasks cancelled on close.
 * @module
 */
export {
  ConnectionResetError,
  IncompleteReadError,
  LimitOverrunError,
  StreamConnectionError,
} from './errors.js';
export { DEFAULT_LIMIT, StreamReader, type StreamReaderOptions } from './stream-reader.js';
export { StreamWriter } from './stream-writer.js';
