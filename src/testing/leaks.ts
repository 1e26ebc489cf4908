/**
 * Leak assertions for tests: after the code under test is done, no timer, immediate, socket, server or child
 * process it started is left behind (DESIGN: "faults lose nothing and leak nothing"). Built on
 * `process.getActiveResourcesInfo()`, which lists what keeps the event loop alive.
 * @module
 */
import { AsyncioError, registerErrorClass } from '../core/errors.js';
import { checkInteger, checkOptions, describe } from '../core/validate.js';

/** Counts of active resources by type, e.g. `{ Timeout: 1, TCPSocketWrap: 2 }`. */
export type ResourceCounts = Record<string, number>;

/**
 * Resource types checked when no baseline is given: the ones code under test creates and must clean up.
 * (Standard streams show up as `TTYWrap`/`PipeWrap` and are left out.)
 */
const LEAKY_TYPES: readonly string[] = [
  'Timeout',
  'Immediate',
  'TCPSocketWrap',
  'TCPServerWrap',
  'UDPWrap',
  'ProcessWrap',
  'FSEventWrap',
  'StatWatcher',
];

/** Options of {@link assertNoLeaks}. */
export interface AssertNoLeaksOptions {
  /** Event-loop turns to wait first, so that handles being closed finish closing. Default 2. */
  turns?: number;
  /** Resource types not to check. */
  ignore?: readonly string[];
}

/**
 * Thrown by {@link assertNoLeaks}: `leaks` says how many resources of each type are left over.
 *
 * @example
 * ```ts
 * import { assertNoLeaks, LeakError } from 'asyncio-ts/testing';
 * const timer = setTimeout(() => {}, 1000);
 * await assertNoLeaks().catch((err) => console.log(err instanceof LeakError, err.leaks)); // true { Timeout: 1 }
 * clearTimeout(timer);
 * ```
 */
export class LeakError extends AsyncioError {
  static override readonly brand: symbol = Symbol.for('asyncio-ts.LeakError');
  /** How many more resources of each type are active than allowed. */
  readonly leaks: ResourceCounts;
  constructor(leaks: ResourceCounts) {
    const list = Object.entries(leaks)
      .map(([type, n]) => `${n} ${type}`)
      .join(', ');
    super(`Resources left active: ${list}`, 'ERR_RESOURCE_LEAK');
    this.leaks = leaks;
  }
}
registerErrorClass(LeakError, 'LeakError');

/**
 * The process's active resources, counted by type: a baseline to give {@link assertNoLeaks}.
 *
 * @example
 * ```ts
 * import { activeResources } from 'asyncio-ts/testing';
 * console.log(activeResources()); // e.g. { TTYWrap: 2 }
 * ```
 */
export function activeResources(): ResourceCounts {
  const counts: ResourceCounts = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/**
 * Waits a couple of event-loop turns, then throws a {@link LeakError} if resources are left active: with a
 * `baseline` (from {@link activeResources}), any type with more resources than then; without one, any
 * timer, immediate, socket, server, child process or file watcher at all.
 *
 * @example
 * ```ts
 * import { test } from 'node:test';
 * import { run, sleep, timeout } from 'asyncio-ts';
 * import { activeResources, assertNoLeaks } from 'asyncio-ts/testing';
 *
 * test('a timed-out call leaves nothing behind', async () => {
 *   const before = activeResources();
 *   await run(() => timeout(10, () => sleep(1000))).catch(() => {});
 *   await assertNoLeaks(before);
 * });
 * ```
 */
export async function assertNoLeaks(
  baseline?: ResourceCounts,
  options?: AssertNoLeaksOptions,
): Promise<void> {
  if (baseline !== undefined && (typeof baseline !== 'object' || baseline === null)) {
    throw new TypeError(
      `assertNoLeaks: baseline must be an object of counts, received ${describe(baseline)}`,
    );
  }
  checkOptions(options, 'assertNoLeaks');
  const turns = options?.turns ?? 2;
  checkInteger(turns, 'options.turns', 'assertNoLeaks', 0);
  const ignore = new Set(options?.ignore ?? []);
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  const now = activeResources();
  const leaks: ResourceCounts = {};
  const types = baseline === undefined ? LEAKY_TYPES : Object.keys(now).sort();
  for (const type of types) {
    if (ignore.has(type)) continue;
    const extra = (now[type] ?? 0) - (baseline?.[type] ?? 0);
    if (extra > 0) leaks[type] = extra;
  }
  if (Object.keys(leaks).length > 0) throw new LeakError(leaks);
}
