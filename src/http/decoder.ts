/**
 * Decoding a compressed response body (`Content-Encoding: gzip, deflate, br`, and `zstd` where Node has
 * it) chunk by chunk, with zlib streams, so that the caller can count the decoded bytes as they come and
 * stop a decompression bomb after one chunk past its limit.
 * @module
 */
import type { Transform } from 'node:stream';
import * as zlib from 'node:zlib';

/** Where decoded output goes. @internal */
export interface DecoderSink {
  onDecoded(chunk: Buffer): void;
  onDecodedEnd(): void;
  onDecodeError(err: Error): void;
  /** The decoder accepts input again after `write()` returned false. */
  onDecoderDrain(): void;
}

type Step = 'gzip' | 'deflate' | 'br' | 'zstd';

const zstd = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;

/** The encodings, innermost last, if every one is known; `undefined` for identity or anything unknown (sent on as is, like fetch). */
function stepsOf(contentEncoding: string): Step[] | undefined {
  const steps: Step[] = [];
  for (const raw of contentEncoding.split(',')) {
    const coding = raw.trim().toLowerCase();
    if (coding === '' || coding === 'identity') continue;
    if (coding === 'gzip' || coding === 'x-gzip') steps.push('gzip');
    else if (coding === 'deflate') steps.push('deflate');
    else if (coding === 'br') steps.push('br');
    else if (coding === 'zstd' && zstd !== undefined) steps.push('zstd');
    else return undefined;
  }
  return steps.length === 0 ? undefined : steps.reverse();
}

// Lenient flushing, as browsers and undici's fetch: a stream cut short at a block boundary still decodes.
const ZLIB_OPTIONS: zlib.ZlibOptions = {
  flush: zlib.constants.Z_SYNC_FLUSH,
  finishFlush: zlib.constants.Z_SYNC_FLUSH,
};
const BROTLI_OPTIONS: zlib.BrotliOptions = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

/** Streams the body through the decoders of its `Content-Encoding`. @internal */
export class Decoder {
  private readonly steps: Step[];
  private first: Transform | undefined;
  private last: Transform | undefined;
  private readonly sink: DecoderSink;
  private done = false;

  private constructor(steps: Step[], sink: DecoderSink) {
    this.steps = steps;
    this.sink = sink;
  }

  /** A decoder for `contentEncoding`, or `undefined` when the body is to be passed on as is. */
  static for(contentEncoding: string | undefined, sink: DecoderSink): Decoder | undefined {
    if (contentEncoding === undefined || contentEncoding === '') return undefined;
    const steps = stepsOf(contentEncoding);
    return steps === undefined ? undefined : new Decoder(steps, sink);
  }

  /** Feeds one chunk of the encoded body; false when the decoder wants no more until `onDecoderDrain`. */
  write(chunk: Buffer): boolean {
    if (this.done) return true;
    if (this.first === undefined) this.build(chunk);
    return (this.first as Transform).write(chunk);
  }

  /** The encoded body is complete. */
  end(): void {
    if (this.done) return;
    if (this.first === undefined) {
      // An empty body is an empty body, whatever its encoding says.
      this.done = true;
      this.sink.onDecodedEnd();
      return;
    }
    this.first.end();
  }

  /** Stops decoding and frees zlib's memory; no more sink calls. */
  destroy(): void {
    this.done = true;
    for (let stream = this.first; stream !== undefined; ) {
      const next = (stream as Transform & { next?: Transform }).next;
      stream.destroy();
      stream = next;
    }
    this.first = this.last = undefined;
  }

  pause(): void {
    this.last?.pause();
  }

  resume(): void {
    this.last?.resume();
  }

  private build(firstChunk: Buffer): void {
    let previous: (Transform & { next?: Transform }) | undefined;
    for (const step of this.steps) {
      const stream = create(step, previous === undefined ? firstChunk : undefined) as Transform & {
        next?: Transform;
      };
      stream.on('error', this.onError);
      if (previous === undefined) this.first = stream;
      else {
        previous.next = stream;
        previous.pipe(stream);
      }
      previous = stream;
    }
    const last = previous as Transform;
    this.last = last;
    last.on('data', this.onData);
    last.once('end', this.onEnd);
    (this.first as Transform).on('drain', this.onDrain);
  }

  private readonly onData = (chunk: Buffer): void => {
    if (!this.done) this.sink.onDecoded(chunk);
  };

  private readonly onEnd = (): void => {
    if (this.done) return;
    this.done = true;
    this.sink.onDecodedEnd();
  };

  private readonly onDrain = (): void => {
    if (!this.done) this.sink.onDecoderDrain();
  };

  private readonly onError = (err: Error): void => {
    if (this.done) return;
    this.done = true;
    this.sink.onDecodeError(err);
  };
}

function create(step: Step, firstChunk: Buffer | undefined): Transform {
  switch (step) {
    case 'gzip':
      return zlib.createGunzip(ZLIB_OPTIONS);
    case 'deflate':
      // "deflate" should be zlib-wrapped (RFC 9110), but some servers send raw deflate: look at the header.
      return firstChunk === undefined || (firstChunk[0]! & 0x0f) === 0x08
        ? zlib.createInflate(ZLIB_OPTIONS)
        : zlib.createInflateRaw(ZLIB_OPTIONS);
    case 'br':
      return zlib.createBrotliDecompress(BROTLI_OPTIONS);
    case 'zstd':
      return (zstd as () => Transform)();
  }
}
