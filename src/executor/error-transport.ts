/**
 * How a job's failure crosses the thread boundary. Structured clone keeps only the message (and, for the
 * built-in error types, the name) of an `Error`: no `code`, no custom name, not always the `cause`. So the
 * worker entry turns what the job threw into a plain object that clones whole, and the main thread rebuilds
 * an error of the same name, message, stack, cause and own properties from it.
 * @internal
 * @module
 */

/** The key that marks a plain object as an encoded job outcome (symbols do not survive cloning). */
const MARK = '__asyncioTsJob';

/** A failure as it travels from the worker to the main thread. */
export interface EncodedFailure {
  /** 'error': an Error-like object; 'value': any other thrown value; 'cancelled': the job saw its flag before it started. */
  readonly [MARK]: 'error' | 'value' | 'cancelled';
  readonly name?: string;
  readonly message?: string;
  readonly stack?: string;
  readonly cause?: EncodedFailure;
  readonly props?: Record<string, unknown>;
  readonly value?: unknown;
}

/** Deep enough for any real `cause` chain, shallow enough that a cycle cannot hang the worker. */
const MAX_CAUSE_DEPTH = 8;

/** The failure of a job that was cancelled before it started running on its worker. */
export const CANCELLED_BEFORE_START: EncodedFailure = { [MARK]: 'cancelled' };

/** True for an object made by {@link encodeFailure}. */
export function isEncodedFailure(value: unknown): value is EncodedFailure {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)[MARK] === 'string'
  );
}

/** True for the marker of a job cancelled before it started. */
export function isCancelledBeforeStart(value: EncodedFailure): boolean {
  return value[MARK] === 'cancelled';
}

/**
 * Turns a thrown value into a cloneable plain object (in the worker). `closureHint` is the sourceURL of a
 * function that was sent by source: a `ReferenceError` raised in that function's own code gets a message
 * that explains the no-closure rule.
 */
export function encodeFailure(thrown: unknown, closureHint?: string, depth = 0): EncodedFailure {
  if (!isErrorLike(thrown)) return { [MARK]: 'value', value: cloneable(thrown) ? thrown : String(thrown) };
  const error = thrown as Error & Record<string, unknown>;
  const name = safeString(error.name, 'Error');
  let message = safeString(error.message, '');
  let stack = typeof error.stack === 'string' ? error.stack : undefined;
  if (closureHint !== undefined && name === 'ReferenceError' && stack !== undefined) {
    const missing = /^(\S+) is not defined$/.exec(message);
    // Only a name missing in the sent function's own code breaks the rule, not one deeper in a library.
    const firstFrame = stack.split('\n').find((line) => line.trimStart().startsWith('at '));
    if (missing !== null && firstFrame?.includes(closureHint) === true) {
      const header = `${name}: ${message}`;
      message =
        `${missing[1]} is not defined in the worker thread. A function sent to a worker by its source ` +
        `cannot use variables, imports or functions from outside its own body (no closures): pass ` +
        `${missing[1]} as an argument, import it inside the function with await import(), or put the ` +
        'function in a module and use workerFunction(moduleUrl, exportName).';
      if (stack.startsWith(header)) stack = `${name}: ${message}${stack.slice(header.length)}`;
    }
  }
  let props: Record<string, unknown> | undefined;
  for (const key of Object.keys(error)) {
    if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause') continue;
    const value = error[key];
    if (!cloneable(value)) continue;
    (props ??= {})[key] = value;
  }
  let cause: EncodedFailure | undefined;
  if ('cause' in error && error.cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    cause = encodeFailure(error.cause, undefined, depth + 1);
  }
  return { [MARK]: 'error', name, message, stack, cause, props };
}

const ERROR_TYPES: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
};

/** Rebuilds the thrown value on the main thread. */
export function decodeFailure(encoded: EncodedFailure): unknown {
  if (encoded[MARK] === 'value') return encoded.value;
  const name = encoded.name ?? 'Error';
  const Ctor = ERROR_TYPES[name] ?? Error;
  const options = encoded.cause !== undefined ? { cause: decodeFailure(encoded.cause) } : undefined;
  const error = new Ctor(encoded.message ?? '', options) as Error & Record<string, unknown>;
  if (error.name !== name) {
    Object.defineProperty(error, 'name', {
      value: name,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  if (encoded.stack !== undefined) {
    Object.defineProperty(error, 'stack', {
      value: encoded.stack,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  if (encoded.props !== undefined) Object.assign(error, encoded.props);
  return error;
}

function isErrorLike(value: unknown): boolean {
  if (value instanceof Error) return true;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string' &&
    typeof (value as { stack?: unknown }).stack === 'string'
  );
}

function safeString(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** Whether `value` survives structured cloning (only called on the failure path). */
function cloneable(value: unknown): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    return typeof value !== 'symbol';
  }
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}
