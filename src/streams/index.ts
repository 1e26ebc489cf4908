/**
 * `asyncio-ts/streams`: asyncio's streams on `node:net` and `node:tls`: buffered readers with flow control,
 * writers with `drain()` backpressure, and servers whose connection handlers are tasks cancelled on close.
 * @module
 */

export {
  type OpenConnectionOptions,
  type OpenUnixConnectionOptions,
  openConnection,
  openUnixConnection,
} from './connection.js';
export {
  ConnectionResetError,
  IncompleteReadError,
  LimitOverrunError,
  StreamConnectionError,
} from './errors.js';
export {
  type ConnectionHandler,
  Server,
  type ServerAddress,
  type StartServerOptions,
  type StartUnixServerOptions,
  startServer,
  startUnixServer,
} from './server.js';
export { DEFAULT_LIMIT, StreamReader, type StreamReaderOptions } from './stream-reader.js';
export { type PeerAddress, StreamWriter } from './stream-writer.js';
