/** Argument checks shared by the whole package: each throws a `TypeError`/`RangeError` naming the argument. @internal */

/** A short description of a received value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`;
  return `${typeof value} ${String(value)}`;
}

export function checkFunction(value: unknown, name: string, where: string): void {
  if (typeof value !== 'function') {
    throw new TypeError(`${where}: ${name} must be a function, received ${describe(value)}`);
  }
}

/** A duration or deadline in milliseconds: any number but NaN (negative is allowed: already expired). */
export function checkMs(value: unknown, name: string, where: string): void {
  if (typeof value !== 'number') {
    throw new TypeError(`${where}: ${name} must be a number of milliseconds, received ${describe(value)}`);
  }
  if (Number.isNaN(value)) throw new RangeError(`${where}: ${name} must not be NaN`);
}

/** A duration that may also be `null` (no deadline). */
export function checkOptionalMs(value: unknown, name: string, where: string): void {
  if (value !== null && value !== undefined) checkMs(value, name, where);
}

/** A whole number ≥ `min` (sizes, counts, concurrency). */
export function checkInteger(value: unknown, name: string, where: string, min: number): void {
  if (typeof value !== 'number') {
    throw new TypeError(`${where}: ${name} must be an integer, received ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${where}: ${name} must be an integer >= ${min}, received ${value}`);
  }
}

export function checkSignal(value: unknown, where: string): void {
  if (value !== undefined && !(value instanceof AbortSignal)) {
    throw new TypeError(`${where}: options.signal must be an AbortSignal, received ${describe(value)}`);
  }
}

export function checkOptions(value: unknown, where: string): void {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(`${where}: options must be an object, received ${describe(value)}`);
  }
}
