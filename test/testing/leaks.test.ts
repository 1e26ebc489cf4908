import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { run, sleep, TimeoutError, timeout } from 'asyncio-ts';
import { activeResources, assertNoLeaks, LeakError, VirtualClock } from 'asyncio-ts/testing';

// The test runner's and the module loader's own fs requests (reading modules, closing their files, writing the
// report) may be in flight at any check; with test files running side by side they are more often.
const RUNNER_IO = ['FSReqCallback', 'FSReqPromise', 'CloseReq'];

test('assertNoLeaks passes after a run that cleaned up, and names what is left otherwise', async () => {
  const before = activeResources();
  await assert.rejects(
    run(() => timeout(10, () => sleep(60_000)), { clock: new VirtualClock() }),
    TimeoutError,
  );
  await assertNoLeaks(before, { ignore: RUNNER_IO });

  // Compared with a baseline: the test runner's own handles (which vary with how it runs) do not count.
  const base = activeResources();
  const timer = setTimeout(() => {}, 60_000);
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const error = await assertNoLeaks(base, { ignore: RUNNER_IO }).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(error instanceof LeakError);
    assert.equal(error.code, 'ERR_RESOURCE_LEAK');
    assert.deepEqual(error.leaks, { Timeout: 1, TCPServerWrap: 1 });
    assert.match(error.message, /^Resources left active: 1 TCPServerWrap, 1 Timeout$/);
    await assertNoLeaks(base, { ignore: ['Timeout', 'TCPServerWrap', ...RUNNER_IO] });
    // Against a baseline taken while they were open, they are not leaks.
    await assertNoLeaks(activeResources(), { ignore: RUNNER_IO });
  } finally {
    clearTimeout(timer);
    server.close();
  }
  await assertNoLeaks(before, { ignore: RUNNER_IO });
});

test('assertNoLeaks: bad arguments', async () => {
  await assert.rejects(assertNoLeaks('x' as unknown as Record<string, number>), /assertNoLeaks: baseline/);
  await assert.rejects(assertNoLeaks(undefined, { turns: -1 }), /options\.turns/);
  await assert.rejects(assertNoLeaks(undefined, 3 as unknown as object), TypeError);
});
