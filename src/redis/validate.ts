/** Argument checks of `asyncio-ts/redis`, each naming the argument. @internal */
import { InvalidStateError } from '../core/errors.js';
import { describe } from '../core/validate.js';
import { RedisConnection } from './connection.js';

export function checkConnection(value: unknown, where: string): RedisConnection {
  if (!(value instanceof RedisConnection)) {
    throw new TypeError(
      `${where}: redis must be a RedisConnection (from connectRedis), received ${describe(value)}`,
    );
  }
  if (value.closed) throw new InvalidStateError(`${where}: redis: the Redis connection is closed`);
  return value;
}

export function checkKey(value: unknown, where: string): string {
  if (typeof value !== 'string')
    throw new TypeError(`${where}: key must be a string, received ${describe(value)}`);
  if (value.length === 0) throw new RangeError(`${where}: key must not be empty`);
  return value;
}

/** A positive finite duration in milliseconds, rounded up to a whole millisecond (Redis counts in ms). */
export function checkLeaseMs(value: unknown, name: string, where: string): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${where}: ${name} must be a number of milliseconds, received ${describe(value)}`);
  }
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${where}: ${name} must be a finite number > 0, received ${value}`);
  }
  return Math.ceil(value);
}

/** A process-unique prefix plus a counter: ids of holdings and deliveries, never reused. */
const prefix = `${process.pid.toString(36)}.${Math.random().toString(36).slice(2, 10)}`;
let counter = 0;
export function newId(): string {
  return `${prefix}.${(++counter).toString(36)}`;
}
