/**
 * Cancel scopes: the one cancellation model of asyncio-ts (trio's CancelScope with asyncio's names).
 *
 * Scopes form a tree. A task's root scope is the task itself; `timeout()`, `shield()` and task groups add
 * nested scopes. Cancellation is level-triggered: once a scope is cancelled, every checkpoint inside it (and
 * inside its non-shielded descendants) throws until the scope is left. Waiters parked in a scope are linked
 * into it, so a cancel rejects each of them directly: no AbortController or listener per operation.
 * @module
 */
import { CancelledError } from './errors.js';
import type { Task } from './task.js';
import type { Waiter } from './waiter.js';

/**
 * A region of code that can be cancelled as a whole. Users meet its subclasses: `Task`, `TimeoutScope`,
 * `TaskGroup`.
 */
export class CancelScope {
  /** @internal The enclosing scope, or undefined for a root (a task made by `createTask`, or a `run()`'s main). */
  parent: CancelScope | undefined;
  /** @internal The task whose code runs in this scope (undefined outside every task). A Task's root scope is itself. */
  task: Task<unknown> | undefined;
  /** @internal A shielded scope is not reached by its ancestors' cancellation (`shield()`). */
  readonly shielded: boolean;
  /** @internal The reason of the first `cancel()` of this very scope (who asked). Never reset. */
  cancelCalled: CancelledError | undefined = undefined;
  /**
   * @internal
   * Set once this scope or a non-shielded ancestor is cancelled (how it spread). Checkpoints read only this.
   * Invariant: if `parent.cancelReason` is set and this scope is linked and not shielded, this is set too.
   */
  cancelReason: CancelledError | undefined = undefined;
  /** @internal Children, so that a cancel can spread down. Intrusive list: no allocation per child. */
  firstChild: CancelScope | undefined = undefined;
  /** @internal */
  prevSibling: CancelScope | undefined = undefined;
  /** @internal */
  nextSibling: CancelScope | undefined = undefined;
  /** @internal Head of the intrusive list of waiters parked in this scope. */
  waiterHead: Waiter<unknown> | undefined = undefined;
  /** @internal Created only when someone reads `signal`. */
  controller: AbortController | undefined = undefined;

  /** @internal */
  constructor(parent: CancelScope | undefined, task: Task<unknown> | undefined, shielded: boolean) {
    this.parent = parent;
    this.task = task;
    this.shielded = shielded;
    if (parent !== undefined && !shielded) {
      this.cancelReason = parent.cancelReason;
      const first = parent.firstChild;
      this.nextSibling = first;
      if (first !== undefined) first.prevSibling = this;
      parent.firstChild = this;
    }
  }

  /** @internal Unlinks the scope from its parent when the code that runs in it is done. */
  detachFromParent(): void {
    const parent = this.parent;
    if (parent === undefined || this.shielded) return;
    const prev = this.prevSibling;
    const next = this.nextSibling;
    if (prev !== undefined) prev.nextSibling = next;
    else if (parent.firstChild === this) parent.firstChild = next;
    if (next !== undefined) next.prevSibling = prev;
    this.prevSibling = this.nextSibling = undefined;
    this.parent = undefined;
  }

  /** @internal Cancels this scope with `reason`. The first reason sticks; later calls do nothing. */
  cancelScope(reason: CancelledError): void {
    if (this.cancelCalled !== undefined) return;
    this.cancelCalled = reason;
    if (this.cancelReason === undefined) this.spread(reason);
  }

  /**
   * @internal Makes this scope and its reachable descendants cancelled, waking every waiter parked in them.
   * Iterative (an explicit stack, children in list order), so that any depth of nesting works; a scope
   * without children (a sleeping task: the common case of a cancellation burst) allocates nothing.
   */
  private spread(reason: CancelledError): void {
    this.cancelOwn(reason);
    if (this.firstChild === undefined) return;
    const stack: CancelScope[] = [];
    const children: CancelScope[] = [];
    let scope: CancelScope | undefined = this;
    for (;;) {
      for (let child = scope.firstChild; child !== undefined; child = child.nextSibling) {
        if (child.cancelReason === undefined) children.push(child);
      }
      while (children.length > 0) stack.push(children.pop()!);
      do {
        scope = stack.pop();
        if (scope === undefined) return;
      } while (scope.cancelReason !== undefined);
      scope.cancelOwn(reason);
    }
  }

  /** Sets the reason on this scope alone, rejects its waiters and aborts its signal. */
  private cancelOwn(reason: CancelledError): void {
    this.cancelReason = reason;
    for (let w = this.waiterHead; w !== undefined; w = this.waiterHead) w.cancel(reason);
    const controller = this.controller;
    if (controller !== undefined) controller.abort(reason);
  }

  /** An `AbortSignal` that aborts (reason: a `CancelledError`) when this scope is cancelled. */
  get signal(): AbortSignal {
    let controller = this.controller;
    if (controller === undefined) {
      controller = this.controller = new AbortController();
      if (this.cancelReason !== undefined) controller.abort(this.cancelReason);
    }
    return controller.signal;
  }
}

/**
 * Makes the `CancelledError` for a `cancel(reason)` call. @internal
 *
 * Without `withStack`, the error is made without capturing a stack trace: the stack would show the code that
 * called `cancel()`, not the checkpoint that throws, and capturing it costs about 3 µs, which dominated
 * cancelling many tasks at once. Debug mode asks for stacks.
 */
export function makeCancelledError(reason: unknown, fallback: string, withStack = false): CancelledError {
  if (reason instanceof CancelledError) return reason;
  const limit = Error.stackTraceLimit;
  if (!withStack) Error.stackTraceLimit = 0;
  try {
    if (typeof reason === 'string') return new CancelledError(reason, { reason });
    if (reason === undefined) return new CancelledError(fallback);
    return new CancelledError(fallback, { cause: reason, reason });
  } finally {
    Error.stackTraceLimit = limit;
  }
}
