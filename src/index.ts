/**
 * asyncio-ts: Python asyncio's model of concurrent I/O for TypeScript `async`/`await`.
 *
 * This entry point holds the core (tasks, cancel scopes, `run`), the combinators, the synchronisation
 * primitives and the queues. The heavy integrations and the tools are subpaths: `asyncio-ts/executor`
 * (worker threads), `asyncio-ts/http` (a pooled HTTP client), `asyncio-ts/testing` and `asyncio-ts/debug`
 * (the task tree, tracing, timelines, the diagnostics channel names).
 * @module
 */

export type { CancelScope } from './core/cancel-scope.js';
export type { Clock, ClockRun, TimerEntry } from './core/clock.js';
export {
  AsyncioError,
  BrokenBarrierError,
  CancelledError,
  InvalidStateError,
  isCancellation,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  TimeoutError,
} from './core/errors.js';
export { Future } from './core/future.js';
export { type RunOptions, run } from './core/run.js';
export {
  allTasks,
  type CreateTaskOptions,
  createTask,
  currentTask,
  type DoneCallback,
  Task,
  type TaskState,
} from './core/task.js';
export { LifoQueue } from './queues/lifo-queue.js';
export { PriorityQueue } from './queues/priority-queue.js';
export {
  Queue,
  type QueueState,
  type QueueStatistics,
  type QueueWaitOptions,
} from './queues/queue.js';
export type { QueueLike } from './queues/queue-like.js';
export { Barrier, type BarrierStatistics } from './sync/barrier.js';
export { BoundedSemaphore } from './sync/bounded-semaphore.js';
export { Condition, type ConditionStatistics } from './sync/condition.js';
export { Event, type EventStatistics } from './sync/event.js';
export type { LockLike, PermitLike, RateLimiterLike, SemaphoreLike } from './sync/like.js';
export { Lock, type LockStatistics } from './sync/lock.js';
export type { AcquireOptions, SignalOptions } from './sync/options.js';
export { Permit } from './sync/permit.js';
export { RateLimiter, type RateLimiterStatistics } from './sync/rate-limiter.js';
export { Semaphore, type SemaphoreStatistics } from './sync/semaphore.js';
export { type AsCompletedOptions, asCompleted } from './tasks/as-completed.js';
export type { Awaitable, AwaitedOf } from './tasks/awaitable.js';
export { cancellable, currentSignal } from './tasks/cancellable.js';
export { type GatherOptions, gather, type Results } from './tasks/gather.js';
export { type MapOptions, map } from './tasks/map.js';
export { type MapUnorderedOptions, mapUnordered } from './tasks/map-unordered.js';
export { shield } from './tasks/shield.js';
export { checkpoint, now, type SleepOptions, sleep } from './tasks/sleep.js';
export { type GroupTaskOptions, TaskGroup, type TaskGroupOptions, taskGroup } from './tasks/task-group.js';
export { TimeoutScope, timeout, timeoutAt } from './tasks/timeout.js';
export { type ReturnWhen, type WaitOptions, type WaitResult, wait } from './tasks/wait.js';
export { waitFor } from './tasks/wait-for.js';
