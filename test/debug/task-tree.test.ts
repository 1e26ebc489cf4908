import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkpoint,
  createTask,
  gather,
  Lock,
  Queue,
  run,
  shield,
  sleep,
  taskGroup,
  timeout,
} from 'asyncio-ts';
import { formatTaskTree, type ScopeNode, type TaskNode, taskTree } from 'asyncio-ts/debug';
import { assertNoTimers } from '../helpers/leaks.js';

/** Every task node of a forest, depth first. */
function flatten(nodes: readonly (TaskNode | ScopeNode)[], out: TaskNode[] = []): TaskNode[] {
  for (const node of nodes) {
    if (node.kind === 'task') out.push(node);
    flatten(node.children, out);
  }
  return out;
}

function only<T>(items: readonly T[]): T {
  assert.equal(items.length, 1, `expected exactly one, got ${items.length}`);
  return items[0]!;
}

/** A group with three children waiting on a lock, a queue and a sleep (the known program). */
async function threeWaiters(inspect: (roots: TaskNode[]) => void): Promise<void> {
  const lock = new Lock();
  const queue = new Queue<number>();
  const held = await lock.acquire();
  try {
    await taskGroup(async (tg) => {
      const children = [
        tg.createTask(() => lock.acquire(), { name: 'locker' }),
        tg.createTask(() => queue.get(), { name: 'getter' }),
        tg.createTask(() => sleep(60_000), { name: 'sleeper' }),
      ];
      await checkpoint(); // every child starts and parks
      inspect(taskTree());
      for (const child of children) child.cancel();
    });
  } finally {
    held.release();
  }
}

test('the tree of a group with three children has that shape and those wait kinds', async () => {
  let roots: TaskNode[] = [];
  await run(() => threeWaiters((r) => (roots = r)));
  const main = only(roots);
  assert.equal(main.name, 'main');
  assert.equal(main.state, 'running');
  assert.deepEqual(main.waits, []);
  const group = only(main.children) as ScopeNode;
  assert.equal(group.kind, 'taskGroup');
  assert.equal(group.cancelled, false);
  const children = group.children as TaskNode[];
  assert.deepEqual(
    children.map((c) => [c.kind, c.name, c.state, c.waits.map((w) => w.label), c.children.length]),
    [
      ['task', 'locker', 'running', ['Lock.acquire'], 0],
      ['task', 'getter', 'running', ['Queue.get'], 0],
      ['task', 'sleeper', 'running', ['sleep'], 0],
    ],
  );
  // The sleep is a timed wait: its time left is known; not recorded without debug, trace or dump.
  const sleepWait = children[2]!.waits[0]!;
  assert.ok(sleepWait.remainingMs! > 50_000 && sleepWait.remainingMs! <= 60_000);
  assert.equal(sleepWait.waitingMs, undefined);
  assert.equal(children[0]!.createdAt, undefined);
  await assertNoTimers();
});

test('formatTaskTree draws the tree: names, states, waits, nesting', async () => {
  let text = '';
  await run(() => threeWaiters((roots) => (text = formatTaskTree(roots))));
  const lines = text.split('\n');
  assert.equal(lines[0], 'main [running]');
  assert.equal(lines[1], '└─ taskGroup');
  assert.match(lines[2]!, /^ {3}├─ locker \[running\] waiting on Lock\.acquire$/);
  assert.match(lines[3]!, /^ {3}├─ getter \[running\] waiting on Queue\.get$/);
  assert.match(lines[4]!, /^ {3}└─ sleeper \[running\] waiting on sleep.* \(\d+\.\d s left\)$/);
  assert.equal(lines.length, 5);
});

test('in debug mode each wait says since when and each task where it was created', async () => {
  let roots: TaskNode[] = [];
  await run(() => threeWaiters((r) => (roots = r)), { debug: true });
  const group = only(only(roots).children);
  for (const child of group.children as TaskNode[]) {
    const wait = only(child.waits);
    assert.equal(typeof wait.waitingMs, 'number', `${child.name} has a waiting time`);
    assert.ok(wait.waitingMs! >= 0);
    assert.match(child.createdAt ?? '', /task-tree\.test\.ts:\d+:\d+/, `${child.name} has a creation site`);
  }
  assert.match(
    formatTaskTree(roots),
    /locker \[running\] waiting on Lock\.acquire for \d+ ms · created at .*task-tree\.test\.ts/,
  );
});

test('createTask children: roots by default, under their creator when recorded', async () => {
  const shapes: string[][] = [];
  for (const debug of [false, true]) {
    await run(
      async () => {
        const worker = createTask(() => sleep(60_000), { name: 'worker' });
        await checkpoint();
        const roots = taskTree();
        shapes.push(
          roots.map(
            (r) => `${r.name}>${r.children.map((c) => (c.kind === 'task' ? c.name : c.kind)).join(',')}`,
          ),
        );
        if (debug) assert.equal((roots[0]!.children[0] as TaskNode).createdBy, 'main');
        worker.cancel();
      },
      { debug },
    );
  }
  assert.deepEqual(shapes, [['main>', 'worker>'], ['main>worker']]);
});

test('gather children and an awaited task show what they wait on', async () => {
  await run(async () => {
    const sleeper = createTask(() => sleep(60_000), { name: 'sleeper' });
    const waiter = createTask(() => sleeper, { name: 'waiter' });
    const gatherer = createTask(() => gather(() => sleep(60_000)), { name: 'gatherer' });
    await checkpoint();
    const byName = new Map(taskTree().map((n) => [n.name, n]));
    assert.deepEqual(
      byName.get('waiter')!.waits.map((w) => w.description),
      ['await task sleeper'],
    );
    assert.deepEqual(
      byName.get('gatherer')!.waits.map((w) => w.label),
      ['gather'],
    );
    // The function gather started is a task of the run (a root without a record of its creator).
    assert.ok([...byName.values()].some((n) => n.waits[0]?.label === 'sleep' && n.name.startsWith('Task-')));
    for (const t of [sleeper, waiter, gatherer]) t.cancel();
  });
});

test('timeouts are scope nodes with their time left; a wait inside shield() is found when recorded', async () => {
  await run(
    async () => {
      const inTimeout = createTask(() => timeout(30_000, () => sleep(60_000)), { name: 'timed' });
      const shielded = createTask(() => shield(() => sleep(200)), { name: 'shielded' });
      await checkpoint();
      const byName = new Map(flatten(taskTree()).map((n) => [n.name, n]));
      const timed = byName.get('timed')!;
      const scope = only(timed.children) as ScopeNode;
      assert.equal(scope.kind, 'timeout');
      assert.match(scope.description, /^timeout \(\d+\.\d s left\)$/);
      assert.deepEqual(
        scope.waits.map((w) => w.label),
        ['sleep'],
      );
      // A shield's scope is not linked into its task's scopes; the recorded open waits still show it.
      assert.deepEqual(
        byName.get('shielded')!.waits.map((w) => w.label),
        ['sleep'],
      );
      inTimeout.cancel();
      await shielded;
    },
    { debug: true },
  );
});

test('outside every run, taskTree() shows the tasks of the active runs; with none pending it is empty', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const running = run(async () => {
    await gate;
  });
  await new Promise<void>((resolve) => setImmediate(resolve));
  const roots = taskTree();
  assert.ok(roots.some((r) => r.name === 'main'));
  release();
  await running;
  assert.equal(formatTaskTree([]), '(no pending tasks)');
});
