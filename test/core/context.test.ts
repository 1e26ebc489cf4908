import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { test } from 'node:test';
import { context, createContextKey, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  asCompleted,
  checkpoint,
  createTask,
  gather,
  map,
  shield,
  sleep,
  taskGroup,
  wait,
  waitFor,
} from 'asyncio-ts';
import { runVirtual } from '../helpers/virtual-time.js';

// DESIGN §3 "Context": a task runs in a copy of its creator's AsyncLocalStorage context, taken at creation.

const user = new AsyncLocalStorage<string>();
const request = new AsyncLocalStorage<number>();

test('tasks created under different als.run values each see their creator’s value', async () => {
  const t1 = user.run('alice', () => createTask(async () => user.getStore()));
  const t2 = user.run('bob', () => createTask(async () => user.getStore()));
  const t3 = createTask(async () => user.getStore());
  assert.deepEqual([await t1, await t2, await t3], ['alice', 'bob', undefined]);
});

test('several stores travel together, and the value is the one at creation, not at start', async () => {
  const seen = await user.run('carol', () =>
    request.run(7, async () => {
      const task = createTask(async () => {
        await checkpoint(); // outside every run: a turn of the event loop, no timer
        return [user.getStore(), request.getStore()];
      });
      // Changed after creation, before the task starts: the task keeps its copy.
      request.enterWith(8);
      return task;
    }),
  );
  assert.deepEqual(seen, ['carol', 7]);
});

test('tasks created in main’s first synchronous stretch see the creator’s context', async () => {
  const values = await user.run('outer', () =>
    runVirtual(async () => {
      const a = createTask(async () => user.getStore());
      const b = user.run('inner', () => createTask(async () => user.getStore()));
      return [await a, await b];
    }),
  );
  assert.deepEqual(values, ['outer', 'inner']);
});

test('enterWith inside a task leaks neither into the next task of the batch nor into its creator', async () => {
  await runVirtual(async () => {
    user.enterWith('main');
    const a = createTask(async () => {
      user.enterWith('a');
      await sleep(1);
      return user.getStore();
    });
    const b = createTask(async () => user.getStore());
    const c = createTask(async () => {
      await sleep(2);
      return user.getStore();
    });
    assert.deepEqual(await gather(a, b, c), ['a', 'main', 'main']);
    assert.equal(user.getStore(), 'main');
  });
});

test('nested runs: each run’s tasks see the context their creator had', async () => {
  const values = await user.run('r1', () =>
    runVirtual(async () => {
      const inner = await user.run('r2', () =>
        runVirtual(async () => {
          const t = createTask(async () => user.getStore());
          return [user.getStore(), await t];
        }),
      );
      const t = createTask(async () => user.getStore());
      return [...inner, await t];
    }),
  );
  assert.deepEqual(values, ['r2', 'r2', 'r1']);
});

test('taskGroup children created under different als.run values each see their own', async () => {
  const names = ['p', 'q', 'r', 's'];
  const values = await runVirtual(() =>
    taskGroup(async (tg) => {
      const tasks = names.map((name) =>
        user.run(name, () =>
          tg.createTask(async () => {
            await sleep(1);
            return user.getStore();
          }),
        ),
      );
      return Promise.all(tasks.map((t) => t.then((v) => v)));
    }),
  );
  assert.deepEqual(values, names);
});

test('tasks the combinators start for functions run in the caller’s context', async () => {
  const read = async (): Promise<string | undefined> => {
    await sleep(1);
    return user.getStore();
  };
  await runVirtual(async () => {
    await user.run('gather', async () => assert.deepEqual(await gather(read, read), ['gather', 'gather']));
    await user.run('map', async () =>
      assert.deepEqual(await map(() => read(), [1, 2, 3], { concurrency: 2 }), ['map', 'map', 'map']),
    );
    await user.run('waitFor', async () => assert.equal(await waitFor(read, 1000), 'waitFor'));
    await user.run('shield', async () => assert.equal(await shield(read), 'shield'));
    await user.run('wait', async () => {
      const { done } = await wait([read, read]);
      for (const t of done) assert.equal(await t, 'wait');
    });
    await user.run('asCompleted', async () => {
      for await (const t of asCompleted([read, read])) assert.equal(await t, 'asCompleted');
    });
  });
});

test('OpenTelemetry: the active span and context values reach child tasks (AsyncLocalStorageContextManager)', async () => {
  const manager = new AsyncLocalStorageContextManager().enable();
  assert.equal(context.setGlobalContextManager(manager), true);
  try {
    const key = createContextKey('tenant');
    const span = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    });
    const other = trace.wrapSpanContext({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
    });
    const activeSpanId = (): string | undefined => trace.getActiveSpan()?.spanContext().spanId;
    const ctx = trace.setSpan(ROOT_CONTEXT, span).setValue(key, 'acme');
    const seen = await context.with(ctx, () =>
      runVirtual(async () => {
        const child = createTask(async () => {
          await sleep(1);
          return [activeSpanId(), context.active().getValue(key)];
        });
        const sibling = context.with(trace.setSpan(context.active(), other), () =>
          createTask(async () => activeSpanId()),
        );
        // A task started by a group child, itself started by main: the span travels two levels down.
        const grandchild = await taskGroup(async (tg) =>
          tg.createTask(async () => {
            const inner = createTask(async () => activeSpanId());
            return await inner;
          }),
        );
        return [await child, await sibling, grandchild];
      }),
    );
    assert.deepEqual(seen, [['b7ad6b7169203331', 'acme'], '00f067aa0ba902b7', 'b7ad6b7169203331']);
    assert.equal(activeSpanId(), undefined);
  } finally {
    context.disable();
    manager.disable();
  }
});
