/**
 * `asyncio-ts/testing`: a local HTTP test server, a virtual clock and leak assertions for tests.
 * @module
 */

export {
  type AssertNoLeaksOptions,
  activeResources,
  assertNoLeaks,
  LeakError,
  type ResourceCounts,
} from './leaks.js';
export {
  startTestServer,
  type TestServer,
  type TestServerOptions,
  type TestServerStats,
} from './test-server.js';
export { VirtualClock, type VirtualClockOptions } from './virtual-clock.js';
export { type WaitAllTasksBlockedOptions, waitAllTasksBlocked } from './wait-all-tasks-blocked.js';
