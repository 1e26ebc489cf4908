/**
 * The one table of every error class and `code` asyncio-ts defines, with the subpath that exports it, as
 * undici's `lib/core/errors.js` is for undici. It is data only: the core does not import the integrations at run
 * time, so each integration's classes are listed here by subpath and name, and `test/core/error-table.test.ts`
 * checks the table against what every subpath really exports (name, code, base class, uniqueness) and against
 * `docs/errors.md`, whose tables are rendered from this one (`renderErrorTables`).
 * @module
 */

/** A public entry point of the package. @internal */
export type Subpath =
  | 'asyncio-ts'
  | 'asyncio-ts/executor'
  | 'asyncio-ts/http'
  | 'asyncio-ts/subprocess'
  | 'asyncio-ts/streams'
  | 'asyncio-ts/redis'
  | 'asyncio-ts/testing'
  | 'asyncio-ts/debug';

/** One error class: its name, stable code, the subpath exporting it, its base and what it means. @internal */
export interface ErrorEntry {
  readonly name: string;
  /** `null` only for the base class, whose code is its subclass's. */
  readonly code: string | null;
  readonly subpath: Subpath;
  /** The class it extends: `Error` only for `AsyncioError` itself. */
  readonly base: string;
  readonly meaning: string;
}

/** Every error class, in the order the docs list them. @internal */
export const ERROR_TABLE: readonly ErrorEntry[] = [
  {
    name: 'AsyncioError',
    code: null,
    subpath: 'asyncio-ts',
    base: 'Error',
    meaning: 'base class of every error below; `code` is the subclass’s',
  },
  {
    name: 'CancelledError',
    code: 'ERR_CANCELLED',
    subpath: 'asyncio-ts',
    base: 'AsyncioError',
    meaning:
      'a checkpoint in a cancelled scope: the task was cancelled, its group failed, or a deadline passed',
  },
  {
    name: 'TimeoutError',
    code: 'ERR_TIMEOUT',
    subpath: 'asyncio-ts',
    base: 'AsyncioError',
    meaning:
      '`timeout()`, `waitFor()`, `asCompleted()`, `wait()` deadline passed; the `CancelledError` is `cause`',
  },
  {
    name: 'InvalidStateError',
    code: 'ERR_INVALID_STATE',
    subpath: 'asyncio-ts',
    base: 'AsyncioError',
    meaning:
      '`result()` of a pending task, `release()` of an unlocked lock, a request on a closed session, …',
  },
  {
    name: 'QueueEmpty',
    code: 'ERR_QUEUE_EMPTY',
    subpath: 'asyncio-ts',
    base: 'AsyncioError',
    meaning: '`getNowait()` on an empty queue',
  },
  {
    name: 'QueueFull',
    code: 'ERR_QUEUE_FULL',
    subpath: 'asyncio-ts',
    base: 'AsyncioError',
    meaning: '`putNowait()` on a full queue',
  },
  {
    name: 'QueueShutDown',
    code: 'ERR_QUEUE_SHUT_DOWN',
    subpath: 'asyncio-ts',
    base: 'AsyncioError',
    meaning: 'a put after `shutdown()`, or a get once a shut-down queue is drained',
  },
  {
    name: 'BrokenBarrierError',
    code: 'ERR_BROKEN_BARRIER',
    subpath: 'asyncio-ts',
    base: 'AsyncioError',
    meaning: 'a `Barrier` was reset or aborted while tasks waited, or is used while broken',
  },
  {
    name: 'WorkerCrashedError',
    code: 'ERR_WORKER_CRASHED',
    subpath: 'asyncio-ts/executor',
    base: 'AsyncioError',
    meaning:
      'the worker thread died under a job (`process.exit()`, an escaped error, out of memory); `exitCode`',
  },
  {
    name: 'ClientConnectionError',
    code: 'ERR_CLIENT_CONNECTION',
    subpath: 'asyncio-ts/http',
    base: 'AsyncioError',
    meaning: 'the connection failed: refused, reset, DNS, TLS; the original error is `cause`',
  },
  {
    name: 'ServerDisconnectedError',
    code: 'ERR_SERVER_DISCONNECTED',
    subpath: 'asyncio-ts/http',
    base: 'ClientConnectionError',
    meaning: 'the server closed the connection before or during the response',
  },
  {
    name: 'ClientTimeoutError',
    code: 'ERR_CLIENT_TIMEOUT',
    subpath: 'asyncio-ts/http',
    base: 'TimeoutError',
    meaning: "a request timeout fired; `phase` is `'total'`, `'connect'` or `'sockRead'`; `ms`",
  },
  {
    name: 'ClientPayloadError',
    code: 'ERR_CLIENT_PAYLOAD',
    subpath: 'asyncio-ts/http',
    base: 'AsyncioError',
    meaning: '`maxResponseBytes` exceeded, a body that cannot be decoded, a length mismatch',
  },
  {
    name: 'TooManyRedirects',
    code: 'ERR_TOO_MANY_REDIRECTS',
    subpath: 'asyncio-ts/http',
    base: 'AsyncioError',
    meaning: 'more than `maxRedirects` redirects in a row; `history`',
  },
  {
    name: 'InvalidRedirectError',
    code: 'ERR_INVALID_REDIRECT',
    subpath: 'asyncio-ts/http',
    base: 'AsyncioError',
    meaning: 'an https → http or non-HTTP redirect the session refuses; `location`',
  },
  {
    name: 'HttpStatusError',
    code: 'ERR_HTTP_STATUS',
    subpath: 'asyncio-ts/http',
    base: 'AsyncioError',
    meaning: '`raiseForStatus()` on a status of 400 or more; `status`, `statusText`, `method`, `url`',
  },
  {
    name: 'CalledProcessError',
    code: 'ERR_CALLED_PROCESS',
    subpath: 'asyncio-ts/subprocess',
    base: 'AsyncioError',
    meaning: 'a checked command exited non-zero or was killed; `returncode`, `cmd`, `stdout`, `stderr`',
  },
  {
    name: 'SpawnError',
    code: 'ERR_SPAWN',
    subpath: 'asyncio-ts/subprocess',
    base: 'AsyncioError',
    meaning: "the process could not be started (`errno` `'ENOENT'`, `'EACCES'`); `path`",
  },
  {
    name: 'IncompleteReadError',
    code: 'ERR_INCOMPLETE_READ',
    subpath: 'asyncio-ts/streams',
    base: 'AsyncioError',
    meaning: 'the stream ended before `readexactly`/`readuntil` was satisfied; `partial`, `expected`',
  },
  {
    name: 'LimitOverrunError',
    code: 'ERR_LIMIT_OVERRUN',
    subpath: 'asyncio-ts/streams',
    base: 'AsyncioError',
    meaning: 'no separator within the reader’s `limit`; `consumed`',
  },
  {
    name: 'StreamConnectionError',
    code: 'ERR_STREAM_CONNECTION',
    subpath: 'asyncio-ts/streams',
    base: 'AsyncioError',
    meaning: 'a connection or pipe failed (refused, unreachable, TLS, …); `errno`',
  },
  {
    name: 'ConnectionResetError',
    code: 'ERR_CONNECTION_RESET',
    subpath: 'asyncio-ts/streams',
    base: 'StreamConnectionError',
    meaning: "the peer reset the connection or closed the pipe (`errno` `'ECONNRESET'`, `'EPIPE'`)",
  },
  {
    name: 'RedisConnectionError',
    code: 'ERR_REDIS_CONNECTION',
    subpath: 'asyncio-ts/redis',
    base: 'AsyncioError',
    meaning: 'the Redis connection failed or was lost longer than the client retries',
  },
  {
    name: 'RedisCommandError',
    code: 'ERR_REDIS_COMMAND',
    subpath: 'asyncio-ts/redis',
    base: 'AsyncioError',
    meaning: 'the server refused a command (out of memory, read-only replica, wrong key type)',
  },
  {
    name: 'LeakError',
    code: 'ERR_RESOURCE_LEAK',
    subpath: 'asyncio-ts/testing',
    base: 'AsyncioError',
    meaning: '`assertNoLeaks` found more resources active than allowed; `leaks`',
  },
];

/** A `code` set on an error that is not one of our classes (a `cause`, or a clone of a platform error). @internal */
export interface CodeEntry {
  readonly code: string;
  /** Where the code is found: the error's `name`, or `cause` of which class. */
  readonly on: string;
  readonly meaning: string;
}

/** Codes on errors that are not asyncio-ts classes. @internal */
export const OTHER_ERROR_CODES: readonly CodeEntry[] = [
  {
    code: 'ERR_RESULT_NOT_CLONEABLE',
    on: '`DataCloneError` (asyncio-ts/executor)',
    meaning: 'a job’s result could not be structured-cloned back to the main thread',
  },
  {
    code: 'ERR_WORKER_OUT_OF_MEMORY',
    on: '`cause` of a `WorkerCrashedError`',
    meaning: 'Node’s code: the thread ran out of memory under `resourceLimits`',
  },
];

/** The `code` of every process warning asyncio-ts emits (`process.on('warning')`). @internal */
export const WARNING_CODES: readonly CodeEntry[] = [
  {
    code: 'ASYNCIO_TS_TASK_EXCEPTION_NEVER_RETRIEVED',
    on: 'warning',
    meaning: 'a task failed and nobody looked at its error before it was collected or its run ended',
  },
  {
    code: 'ASYNCIO_TS_FUTURE_EXCEPTION_NEVER_RETRIEVED',
    on: 'warning',
    meaning: 'the same for a `Future`',
  },
  {
    code: 'ASYNCIO_TS_CALLBACK_ERROR',
    on: 'warning',
    meaning: 'a done callback threw',
  },
  {
    code: 'ASYNCIO_TS_TASK_GROUP_LATER_ERROR',
    on: 'warning',
    meaning: 'a task group rejected with its first error; one warning per further error',
  },
  {
    code: 'ASYNCIO_TS_COMPARE_THREW',
    on: 'warning',
    meaning: 'a `PriorityQueue` compare threw where nobody could receive it; the item was kept',
  },
  {
    code: 'ASYNCIO_TS_HANDLER_ERROR',
    on: 'warning',
    meaning: 'a `startServer` connection handler threw (asyncio-ts/streams)',
  },
  {
    code: 'ASYNCIO_TS_NEVER_AWAITED',
    on: 'warning',
    meaning: 'debug mode: a task was never awaited and its result never retrieved',
  },
  {
    code: 'ASYNCIO_TS_PENDING_AT_RUN_END',
    on: 'warning',
    meaning: 'debug mode: tasks were still pending when `main` returned (they are cancelled)',
  },
  {
    code: 'ASYNCIO_TS_SLOW_CALLBACK',
    on: 'warning',
    meaning: 'debug mode: a step blocked the event loop longer than the threshold',
  },
  {
    code: 'ASYNCIO_TS_WORKER_ERROR',
    on: 'warning',
    meaning: 'a worker thread failed outside any job (asyncio-ts/executor)',
  },
];

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The Markdown tables of `docs/errors.md`, between its `errors-table` markers. @internal */
export function renderErrorTables(): string {
  const lines = [
    '| class | code | from | extends | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...ERROR_TABLE.map(
      (e) =>
        `| \`${e.name}\` | ${e.code === null ? '—' : `\`${e.code}\``} | \`${e.subpath}\` | \`${e.base}\` | ${cell(e.meaning)} |`,
    ),
    '',
    'Codes on errors that are not asyncio-ts classes:',
    '',
    '| code | on | meaning |',
    '| --- | --- | --- |',
    ...OTHER_ERROR_CODES.map((e) => `| \`${e.code}\` | ${cell(e.on)} | ${cell(e.meaning)} |`),
    '',
    "Process warnings (`process.on('warning', (w) => w.code)`):",
    '',
    '| code | meaning |',
    '| --- | --- |',
    ...WARNING_CODES.map((e) => `| \`${e.code}\` | ${cell(e.meaning)} |`),
  ];
  return lines.join('\n');
}
