/**
 * What an exchange puts on the wire and the list a session keeps of exchanges on the wire: the request's
 * headers and body as undici takes them (a `FormData` encoded per hop, a body stream whose failure is told
 * apart from a connection failure), and the intrusive list of live exchanges.
 * @module
 */
import type { Dispatcher } from 'undici';
import { LinkedList } from '../core/linked-list.js';
import type { Exchange } from './exchange.js';
import type { Hop } from './request-options.js';

/** The headers and body of `hop` for undici's `dispatch`. @internal */
export function wireRequest(
  hop: Hop,
  exchange: { bodyFailure: { error: unknown } | undefined },
): { headers: Record<string, string>; body: Dispatcher.DispatchOptions['body'] } {
  const source = hop.body;
  if (source === null) return { headers: hop.headers, body: null };
  if (typeof FormData !== 'undefined' && source instanceof FormData) {
    // Encoded per hop: each encoding has its own multipart boundary, named in the content type.
    const encoded = new Response(source);
    const headers = Object.assign(Object.create(null) as Record<string, string>, hop.headers);
    headers['content-type'] = encoded.headers.get('content-type') as string;
    return { headers, body: encoded.body as unknown as Dispatcher.DispatchOptions['body'] };
  }
  if (!hop.replayable) {
    const guarded = guardBody(source as AsyncIterable<Uint8Array | string>, exchange);
    return { headers: hop.headers, body: guarded as unknown as Dispatcher.DispatchOptions['body'] };
  }
  // undici sends Blobs too (its typings list fewer).
  return { headers: hop.headers, body: source as unknown as Dispatcher.DispatchOptions['body'] };
}

/** A request body stream that records its own failure on `exchange`, so it is reported as itself. */
async function* guardBody(
  source: AsyncIterable<Uint8Array | string>,
  exchange: { bodyFailure: { error: unknown } | undefined },
): AsyncGenerator<Uint8Array | string> {
  try {
    yield* source;
  } catch (error) {
    exchange.bodyFailure = { error };
    throw error;
  }
}

/** The bookkeeping a session keeps of its exchanges. @internal */
export interface ExchangeOwner {
  /** Exchanges with something on the wire, to abort when the session closes. */
  readonly live: LiveExchanges;
}

/**
 * The exchanges of a session that have something on the wire: the core's intrusive list (O(1) add and
 * remove, no allocation). A `Set` was measured to cost a lot here: with thousands of short-lived exchanges a
 * second, its table kept them reachable long enough to be promoted to the old generation (a major GC every
 * few thousand requests). @internal
 */
export class LiveExchanges extends LinkedList<Exchange> implements Iterable<Exchange> {
  /** Reads each next link before yielding: the exchange visited may leave the list (an abort). */
  *[Symbol.iterator](): Iterator<Exchange> {
    for (let exchange = this.head; exchange !== undefined; ) {
      const next = exchange.next;
      yield exchange;
      exchange = next;
    }
  }
}
