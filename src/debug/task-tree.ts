/**
 * The task tree (Python 3.14's `asyncio.print_call_graph` / `python -m asyncio pstree`): every pending task
 * under its parent, its state, what it waits on and since when, and where it was created.
 *
 * Computed on demand, nothing recorded for it: it walks the run's pending tasks, each task's scopes
 * (task groups, timeouts, shields: `firstChild`/`nextSibling`) and the waiters parked in them
 * (`waiterHead`/`scopeNext`, each with its label and `describe()`). A task group's children sit under the
 * group, under its task. What needs a record is filled in only when debug mode, tracing or `dumpOnSignal`
 * records the run: how long each wait has lasted, where each task was created, and which task created a
 * `createTask` child (shown under its creator; otherwise such a task is a root, as asyncio's are).
 * @module
 */
import type { CancelScope } from '../core/cancel-scope.js';
import { storage } from '../core/context.js';
import { activeRuns, globalRun, type RunState } from '../core/run-state.js';
import { Task } from '../core/task.js';
import type { Waiter } from '../core/waiter.js';
import { TaskGroup } from '../tasks/task-group.js';
import { TimeoutScope } from '../tasks/timeout.js';
import type { TaskRecord, WaitRecord } from './records.js';

/** One wait of a task: a library call it is suspended in. */
export interface WaitNode {
  /** The kind of wait: `'sleep'`, `'Lock.acquire'`, `'Queue.get'`, `'await task'`, `'gather'`, … */
  readonly label: string;
  /** The detail, from the waiter's `describe()`: `'await task worker-2'`, `'GET http://…'`. */
  readonly description: string;
  /** How long it has waited, in ms (only when the run is recorded: debug, trace or dumpOnSignal). */
  readonly waitingMs?: number;
  /** Time left until its deadline on the run's clock, in ms (timed waits such as `sleep`). */
  readonly remainingMs?: number;
}

/** A pending task in the tree. */
export interface TaskNode {
  readonly kind: 'task';
  /** The task's number (its default name is `Task-<id>`). */
  readonly id: number;
  readonly name: string;
  /** `'scheduled'` (not started yet), `'running'`, or `'cancelling'` (cancelled, not done yet). */
  readonly state: 'scheduled' | 'running' | 'cancelling';
  /** The waits parked directly in the task's own scope (and, when recorded, in unlinked shield scopes). */
  readonly waits: readonly WaitNode[];
  /** Its scopes (task groups, timeouts, shields) and child tasks. */
  readonly children: readonly TreeNode[];
  /** The first user frame where it was created (debug mode). */
  readonly createdAt?: string;
  /** The task that created it with `createTask` (recorded runs), when it is shown under that task. */
  readonly createdBy?: string;
}

/** A scope inside a task: a task group, a `timeout()`, a `shield()` or another cancel scope. */
export interface ScopeNode {
  readonly kind: 'taskGroup' | 'timeout' | 'shield' | 'scope';
  /** One line, e.g. `'taskGroup'`, `'timeout (1.2 s left)'`. */
  readonly description: string;
  /** True once the scope was cancelled (or expired). */
  readonly cancelled: boolean;
  readonly waits: readonly WaitNode[];
  readonly children: readonly TreeNode[];
}

/** A node of the task tree. */
export type TreeNode = TaskNode | ScopeNode;

interface MutableTaskNode extends TaskNode {
  waits: WaitNode[];
  children: TreeNode[];
  createdAt?: string;
  createdBy?: string;
}

interface MutableScopeNode extends ScopeNode {
  waits: WaitNode[];
  children: TreeNode[];
}

type MutableNode = MutableTaskNode | MutableScopeNode;

/**
 * The pending tasks of the current `run()` as a forest (roots first, oldest first); outside every run, the
 * pending tasks of every active run and of no run.
 *
 * @example
 * ```ts
 * import { run, taskGroup, sleep, checkpoint } from 'asyncio-ts';
 * import { taskTree } from 'asyncio-ts/debug';
 * await run(async () => {
 *   await taskGroup(async (tg) => {
 *     tg.createTask(() => sleep(1000), { name: 'sleeper' });
 *     await checkpoint(); // let it start
 *     const [main] = taskTree();
 *     console.log(main?.children[0]?.kind); // 'taskGroup'
 *     tg.createTask(async () => { throw new Error('stop'); }); // ends the group
 *   }).catch(() => {});
 * });
 * ```
 */
export function taskTree(): TaskNode[] {
  const scope = storage.getStore();
  const run = scope?.task?.run;
  if (run !== undefined) return treeOfRuns([run]);
  return treeOfRuns([...activeRuns, globalRun]);
}

/** The forest of the pending tasks of `runs`. @internal */
export function treeOfRuns(runs: readonly RunState[]): TaskNode[] {
  const builder = new TreeBuilder(runs);
  return builder.build();
}

class TreeBuilder {
  private readonly pending: Task<unknown>[] = [];
  private readonly pendingSet = new Set<Task<unknown>>();
  private readonly nodes = new Map<CancelScope, MutableNode>();
  private readonly now = performance.now();
  /** Task groups whose task waits for their children: that task is shown waiting on them. */
  private readonly waitingGroups: TaskGroup[] = [];

  constructor(runs: readonly RunState[]) {
    for (const run of runs) {
      for (const task of run.tasks()) {
        this.pending.push(task);
        this.pendingSet.add(task);
      }
    }
    this.pending.sort((a, b) => a.id - b.id);
  }

  build(): TaskNode[] {
    const roots: TaskNode[] = [];
    for (const task of this.pending) {
      if (this.nodes.has(task)) continue;
      // Climb to the highest scope not shown yet: usually the task itself; a shield (not linked into its
      // parent's children) or a scope of a task not yet visited otherwise.
      let top: CancelScope = task;
      for (let up = top.parent; up !== undefined && !this.nodes.has(up) && this.isOurs(up); up = up.parent) {
        top = up;
      }
      const node = this.scope(top);
      const above = top.parent === undefined ? undefined : this.nodes.get(top.parent);
      if (above !== undefined) {
        above.children.push(node);
        continue;
      }
      const creator = top instanceof Task ? (top.debugInfo as TaskRecord | undefined)?.creator : undefined;
      const creatorNode = creator === undefined ? undefined : this.nodes.get(creator);
      if (creatorNode !== undefined && node.kind === 'task') {
        (node as MutableTaskNode).createdBy = creator!.name;
        creatorNode.children.push(node);
      } else if (node.kind === 'task') {
        roots.push(node);
      } else {
        // A scope outside every task (a taskGroup used outside run()): show its tasks as roots.
        for (const child of node.children) if (child.kind === 'task') roots.push(child);
      }
    }
    this.addUnreachedWaits();
    this.addGroupWaits();
    return roots;
  }

  /** True for a scope that belongs to one of the pending tasks shown. */
  private isOurs(scope: CancelScope): boolean {
    const task = scope.task;
    return task !== undefined && this.pendingSet.has(task);
  }

  private scope(scope: CancelScope): MutableNode {
    const node: MutableNode = scope instanceof Task ? this.taskNode(scope) : this.scopeNode(scope);
    this.nodes.set(scope, node);
    for (let w = scope.waiterHead; w !== undefined; w = w.scopeNext) node.waits.push(this.wait(w, scope));
    node.waits.reverse(); // parked most recent first: show in order
    for (let child = scope.firstChild; child !== undefined; child = child.nextSibling) {
      if (child instanceof Task && child.done()) continue;
      node.children.push(this.scope(child));
    }
    node.children.reverse();
    return node;
  }

  private taskNode(task: Task<unknown>): MutableTaskNode {
    const record = task.debugInfo as TaskRecord | undefined;
    const state =
      task.cancelReason !== undefined ? 'cancelling' : task.state === 'running' ? 'running' : 'scheduled';
    const node: MutableTaskNode = {
      kind: 'task',
      id: task.id,
      name: task.name,
      state,
      waits: [],
      children: [],
    };
    const site = record?.site;
    if (site !== undefined) node.createdAt = site;
    return node;
  }

  private scopeNode(scope: CancelScope): MutableScopeNode {
    let kind: ScopeNode['kind'] = 'scope';
    let description = 'cancel scope';
    if (scope instanceof TaskGroup) {
      kind = 'taskGroup';
      description = 'taskGroup';
      if (scope.waiting) this.waitingGroups.push(scope);
    } else if (scope instanceof TimeoutScope) {
      kind = 'timeout';
      const deadline = scope.when();
      const clock = scope.task?.run.clock;
      if (scope.expired()) description = 'timeout (expired)';
      else if (deadline === null || clock === undefined) description = 'timeout (no deadline)';
      else description = `timeout (${formatMs(deadline - clock.now())} left)`;
    } else if (scope.shielded) {
      kind = 'shield';
      description = 'shield';
    }
    return { kind, description, cancelled: scope.cancelReason !== undefined, waits: [], children: [] };
  }

  private wait(waiter: Waiter<unknown>, scope: CancelScope): WaitNode {
    const node: { -readonly [K in keyof WaitNode]: WaitNode[K] } = {
      label: waiter.label,
      description: waiter.describe(),
    };
    const since = waiter.debugInfo?.since;
    if (since !== undefined) node.waitingMs = Math.max(0, this.now - since);
    // Timed waits (sleep) are clock entries: a deadline and a heap slot while scheduled.
    const timed = waiter as unknown as { deadline?: unknown; heapIndex?: unknown };
    const clock = scope.task?.run.clock;
    if (
      clock !== undefined &&
      typeof timed.deadline === 'number' &&
      typeof timed.heapIndex === 'number' &&
      timed.heapIndex >= 0
    ) {
      node.remainingMs = Math.max(0, timed.deadline - clock.now());
    }
    return node;
  }

  /**
   * A task whose task group (or `map`) waits for its children waits on it, not runs: said on the task's line
   * even when the run is not recorded (a recorded run already has that wait).
   */
  private addGroupWaits(): void {
    for (const group of this.waitingGroups) {
      const node = group.task === undefined ? undefined : this.nodes.get(group.task);
      if (node === undefined || node.kind !== 'task') continue;
      if (node.waits.some((w) => w.label === group.waitLabel)) continue;
      node.waits.push({ label: group.waitLabel, description: group.waitLabel });
    }
  }

  /** Recorded waits whose scope no walk reached (inside a `shield()`): shown on their task. */
  private addUnreachedWaits(): void {
    for (const task of this.pending) {
      const record = task.debugInfo as TaskRecord | undefined;
      const node = this.nodes.get(task) as MutableTaskNode | undefined;
      if (record === undefined || node === undefined) continue;
      for (let w: WaitRecord | undefined = record.openWaits.head; w !== undefined; w = w.next) {
        const scope = w.waiter.scope;
        if (scope !== undefined && this.nodes.has(scope)) continue;
        node.waits.push(this.wait(w.waiter, scope ?? task));
      }
    }
  }
}

/**
 * The task tree as text, one task per line under its parent, like `python -m asyncio pstree`: its state,
 * what it waits on (and for how long, when recorded) and where it was created (debug mode). Without an
 * argument, the tree of the current run ({@link taskTree}).
 *
 * @example
 * ```ts
 * import { run, createTask, sleep, checkpoint } from 'asyncio-ts';
 * import { formatTaskTree } from 'asyncio-ts/debug';
 * await run(async () => {
 *   const worker = createTask(() => sleep(500), { name: 'worker' });
 *   await checkpoint();
 *   console.log(formatTaskTree());
 *   // main [running]
 *   // worker [running] waiting on sleep until 1234 ms (499 ms left)
 *   worker.cancel();
 * });
 * ```
 */
export function formatTaskTree(roots: readonly TaskNode[] = taskTree()): string {
  if (roots.length === 0) return '(no pending tasks)';
  const lines: string[] = [];
  for (const root of roots) {
    lines.push(nodeLine(root));
    appendChildren(lines, root, '');
  }
  return lines.join('\n');
}

/** A titled tree of one run, for the `dumpOnSignal` dump and the pending-at-end warning. @internal */
export function formatRunTree(run: RunState, title: string): string {
  const roots = treeOfRuns([run]);
  const count = run.pendingTasks;
  return `${title} (${count} pending task${count === 1 ? '' : 's'})\n${formatTaskTree(roots)}`;
}

function appendChildren(lines: string[], node: TreeNode, indent: string): void {
  const children = node.children;
  const waitLines = node.kind === 'task' ? [] : node.waits.map(waitText);
  const total = waitLines.length + children.length;
  let index = 0;
  for (const text of waitLines) {
    const last = ++index === total;
    lines.push(`${indent}${last ? '└─ ' : '├─ '}waiting on ${text}`);
  }
  for (const child of children) {
    const last = ++index === total;
    lines.push(`${indent}${last ? '└─ ' : '├─ '}${nodeLine(child)}`);
    appendChildren(lines, child, `${indent}${last ? '   ' : '│  '}`);
  }
}

function nodeLine(node: TreeNode): string {
  if (node.kind !== 'task') return `${node.description}${node.cancelled ? ' [cancelled]' : ''}`;
  let line = `${node.name} [${node.state}]`;
  if (node.waits.length > 0) line += ` waiting on ${node.waits.map(waitText).join('; ')}`;
  if (node.createdBy !== undefined) line += ` · created by ${node.createdBy}`;
  if (node.createdAt !== undefined) line += ` · created at ${node.createdAt}`;
  return line;
}

function waitText(wait: WaitNode): string {
  // A deadline on the run's clock ("sleep until 7168 ms") says less than the time left, shown next to it.
  const timed = wait.remainingMs !== undefined && wait.description.startsWith(`${wait.label} until `);
  let text = timed ? wait.label : wait.description;
  if (wait.remainingMs !== undefined) text += ` (${formatMs(wait.remainingMs)} left)`;
  if (wait.waitingMs !== undefined) text += ` for ${formatMs(wait.waitingMs)}`;
  return text;
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
