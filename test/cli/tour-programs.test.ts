import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeExtra, RULES_OF_THUMB, SEED_PROGRAMS, seedProgramOf } from '../../src/cli/tour-programs.js';
import type { RunReport } from '../../src/cli/tour-runner.js';

/** A synthetic run: lines printed at the given times (ms), ending at `elapsedMs`. */
function report(elapsedMs: number, lines: Array<[number, string]>): RunReport {
  return { elapsedMs, lines: lines.map(([t, text]) => ({ t, text })) };
}

function judge(seed: string, r: RunReport): { measured: string; holds: boolean } {
  const program = SEED_PROGRAMS.find((p) => p.seed === seed);
  assert.ok(program !== undefined, seed);
  return program.judge(r);
}

test('each twin maps to its seed program; variants and extras are told apart', () => {
  assert.equal(seedProgramOf('hello')?.program.seed, 'hello');
  assert.deepEqual(seedProgramOf('queue-shutdown')?.variant, true);
  assert.equal(seedProgramOf('queue-shutdown')?.program.seed, 'queue');
  assert.equal(seedProgramOf('semaphore-map')?.program.seed, 'semaphore');
  assert.equal(seedProgramOf('aiohttp')?.program.seed, 'aiohttp-gather');
  assert.equal(seedProgramOf('cpu-bound'), undefined);
  assert.deepEqual(judgeExtra(report(1234, [])), { measured: 'ran in 1.23 s', holds: true });
});

test('claims hold for runs that match them, and not for runs that do not', () => {
  assert.deepEqual(judge('hello', report(1010, [[1005, 'Hello, asyncio!']])), {
    measured: 'printed it after 1.00 s',
    holds: true,
  });
  assert.equal(judge('hello', report(3000, [[3000, 'Hello, asyncio!']])).holds, false);

  const sync = judge(
    'sync-vs-async',
    report(6020, [
      [5010, "[ 'sync 0' ] 5.01s"],
      [6020, "[ 'async 0' ] 1.00s"],
    ]),
  );
  assert.deepEqual(sync, { measured: '5.01 s vs 1.00 s', holds: true });
  assert.equal(
    judge(
      'sync-vs-async',
      report(6000, [
        [6000, '[] 3.00s'],
        [6000, '[] 3.00s'],
      ]),
    ).holds,
    false,
  );

  const done = Array.from({ length: 30 }, (_, i): [number, string] => [100 * i, `done: item-${i}`]);
  const sem = judge('semaphore', report(3700, [...done, [3700, 'Total: 30'], [3700, 'Peak concurrency: 5']]));
  assert.deepEqual(sem, { measured: '30 done, Total: 30, at most 5 at once, in 3.70 s', holds: true });
  assert.equal(
    judge('semaphore', report(3700, [...done, [3700, 'Total: 30'], [3700, 'Peak concurrency: 6']])).holds,
    false,
  );

  const processed = Array.from({ length: 10 }, (_, i): [number, string] => [
    300 * (1 + Math.floor(i / 3)),
    `C${i % 3} processed task-${i}`,
  ]);
  assert.deepEqual(judge('queue', report(1210, processed)), {
    measured: '10 processed by 3 consumers in 1.21 s',
    holds: true,
  });

  assert.deepEqual(judge('wait-for', report(1010, [[1003, 'Timed out!']])), {
    measured: '"Timed out!" after 1.00 s',
    holds: true,
  });
  assert.equal(judge('wait-for', report(5010, [[5003, 'Timed out!']])).holds, false);

  const cancel = judge(
    'cancel-task',
    report(2010, [
      [500, 'working...'],
      [1000, 'working...'],
      [1500, 'working...'],
      [2001, 'cancelling: cleaning up...'],
      [2002, 'task cancelled'],
    ]),
  );
  assert.deepEqual(cancel, {
    measured: '3× "working...", clean-up ran, "task cancelled" at 2.00 s',
    holds: true,
  });

  const http = report(3100, [
    [3050, '200 http://127.0.0.1:1/delay/1'],
    [3050, '200 http://127.0.0.1:1/delay/2'],
    [3050, '200 http://127.0.0.1:1/delay/3'],
  ]);
  assert.deepEqual(judge('aiohttp-gather', http), { measured: '3× status 200 in 3.10 s', holds: true });
  const serial = report(
    6100,
    http.lines.map((l) => [l.t, l.text] as [number, string]),
  );
  assert.equal(judge('aiohttp-gather', serial).holds, false);

  assert.deepEqual(judge('run-in-executor', report(4000, [[3900, '[ 9, 16 ] 1.01s']])), {
    measured: '[9, 16] after 1.01 s',
    holds: true,
  });
  assert.equal(judge('run-in-executor', report(2100, [[2050, '[ 9, 16 ] 2.02s']])).holds, false);
});

test('the rules of thumb are judged on the warnings debug mode printed', () => {
  const [blocking, forgotten] = RULES_OF_THUMB;
  const warned = {
    ...report(900, [
      [400, 'blocking call on the loop: 2 heartbeats in 400 ms'],
      [900, 'the same call through toThread: 8 heartbeats in 400 ms'],
    ]),
    exitCode: 0,
    stderr: [
      '(node:1) [ASYNCIO_TS_SLOW_CALLBACK] AsyncioWarning: Executing <Task "blockingIo" created at main (x.ts:1:1)> took 301 ms (slowCallbackMs: 200): it blocked the event loop',
    ],
  };
  assert.deepEqual(blocking!.judge(warned), {
    measured: 'warned: task "blockingIo" took 301 ms; heartbeats 2 on the loop vs 8 with toThread',
    holds: true,
  });
  assert.equal(blocking!.judge({ ...warned, stderr: [] }).holds, false);

  const dropped = {
    ...report(500, [[10, 'got: [object Promise]']]),
    exitCode: 0,
    stderr: [
      '(node:1) [ASYNCIO_TS_NEVER_AWAITED] AsyncioWarning: sleep was never awaited (task "main", created at main (examples/rules/forgotten-await.ts:15:3)): its promise was dropped',
    ],
  };
  assert.deepEqual(forgotten!.judge(dropped), {
    measured: 'got a Promise; reported: sleep was never awaited at examples/rules/forgotten-await.ts:15:3',
    holds: true,
  });
  assert.equal(forgotten!.judge({ ...dropped, stderr: [] }).holds, false);
});

test('the asyncio-docs twins (TCP echo, subprocess timeout) are judged on what they printed', () => {
  const echo = judgeExtra(
    report(40, [
      [10, 'Received: "Hello World!"'],
      [20, 'Server closed: true'],
    ]),
    'tcp-echo.ts',
  );
  assert.equal(echo.holds, true);
  assert.match(echo.measured, /echoed "Hello World!"/);
  assert.equal(judgeExtra(report(40, [[10, 'Received: "nope"']]), 'tcp-echo.ts').holds, false);
  const killed = judgeExtra(
    report(1100, [
      [1010, "Timed out after 1.01 s: 'sleep 10' exited with -15 (SIGTERM)"],
      [1011, 'pid 42 still exists: false'],
    ]),
    'subprocess-timeout.ts',
  );
  assert.deepEqual(killed, {
    measured: 'timed out after 1.01 s, the child exited with -15; its pid is gone',
    holds: true,
  });
  assert.equal(
    judgeExtra(
      report(1100, [
        [1010, 'Timed out after 1.01 s'],
        [1011, 'pid 42 still exists: true'],
      ]),
      'subprocess-timeout.ts',
    ).holds,
    false,
  );
});
