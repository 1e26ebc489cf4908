/**
 * Connects Node streams to readers and writers: data, end, error and close events, with errors translated
 * once (so a reset reaches both the reader and the writer as the same `ConnectionResetError`).
 * @module
 */
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { translateStreamError } from './errors.js';
import { StreamReader } from './stream-reader.js';
import { StreamWriter } from './stream-writer.js';

/** Feeds `reader` from `source` (a pipe or a socket's readable side). @internal */
export function wireReader(source: Readable, reader: StreamReader, peer: string): void {
  reader.attach(source, peer);
  source.on('data', (chunk: Buffer) => reader.feedData(chunk));
  source.on('end', () => reader.feedEof());
  source.on('error', (err: unknown) => reader.setException(translateStreamError(err, peer)));
  source.on('close', () => reader.feedEof());
}

/** A writer on `sink` (a pipe). @internal */
export function wireWriter(sink: Writable, peer: string): StreamWriter {
  const writer = new StreamWriter(sink, peer);
  sink.on('error', (err: unknown) => writer.setError(translateStreamError(err, peer)));
  sink.on('close', () => writer.setClosed());
  return writer;
}

/** The reader and writer of a connected socket (half-open allowed, as asyncio). @internal */
export function wireSocket(
  socket: Socket,
  peer: string,
  limit: number | undefined,
): [StreamReader, StreamWriter] {
  const reader = new StreamReader(limit === undefined ? undefined : { limit });
  const writer = new StreamWriter(socket, peer, reader);
  reader.attach(socket, peer);
  socket.on('data', (chunk: Buffer) => reader.feedData(chunk));
  socket.on('end', () => reader.feedEof());
  socket.on('error', (err: unknown) => {
    const error = translateStreamError(err, peer);
    reader.setException(error);
    writer.setError(error);
  });
  socket.on('close', () => {
    reader.feedEof();
    writer.setClosed();
  });
  return [reader, writer];
}
