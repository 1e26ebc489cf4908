import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, checkpoint, createTask, sleep } from 'asyncio-ts';
import { runVirtual } from '../helpers/virtual-time.js';

test('cancel() of unnamed tasks shares one CancelledError; named tasks and given reasons get their own', async () => {
  await runVirtual(async () => {
    const a = createTask(() => sleep(10_000));
    const b = createTask(() => sleep(10_000));
    const named = createTask(() => sleep(10_000), { name: 'worker' });
    const withReason = createTask(() => sleep(10_000));
    await sleep(1);
    a.cancel();
    b.cancel();
    named.cancel();
    withReason.cancel('shutting down');
    const errors = await Promise.all(
      [a, b, named, withReason].map((t) =>
        t.then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    const [ea, eb, en, er] = errors as CancelledError[];
    for (const e of errors) assert.ok(e instanceof CancelledError);
    assert.equal(ea, eb, 'one error object for every reason-less cancel of an unnamed task');
    assert.equal(ea!.message, 'The task was cancelled');
    assert.equal(ea!.code, 'ERR_CANCELLED');
    assert.equal(ea!.reason, undefined);
    assert.equal(en!.message, 'Task worker was cancelled');
    assert.notEqual(en, ea);
    assert.equal(er!.message, 'shutting down');
    assert.equal(er!.reason, 'shutting down');
    assert.ok(a.cancelled() && b.cancelled() && named.cancelled() && withReason.cancelled());
  });
});

test('a shared cancellation error stays level-triggered in its task and never reaches another one', async () => {
  await runVirtual(async () => {
    const seen: string[] = [];
    const victim = createTask(async () => {
      try {
        await sleep(10_000);
      } catch (err) {
        seen.push(`first ${(err as Error).name}`);
      }
      try {
        await checkpoint(); // still cancelled: level-triggered
      } catch (err) {
        seen.push(`again ${(err as Error).name}`);
        throw err;
      }
      return 'not reached';
    });
    const watcher = createTask(async () => {
      const outcome = await victim.then(
        (v) => v,
        (e: unknown) => (e as Error).name,
      );
      await checkpoint(); // the watcher was not cancelled: its own checkpoints pass
      await sleep(1);
      return outcome;
    });
    await sleep(1);
    assert.equal(victim.cancel(), true);
    assert.equal(victim.cancel(), true, 'a second cancel of a pending task still answers true');
    assert.equal(victim.cancelling(), 2);
    await assert.rejects(victim, CancelledError);
    assert.deepEqual(seen, ['first CancelledError', 'again CancelledError']);
    assert.equal(await watcher, 'CancelledError');
    assert.equal(watcher.cancelled(), false);
  });
});
