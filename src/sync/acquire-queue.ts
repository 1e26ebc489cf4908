/**
 * The FIFO of a Lock or a Semaphore. Callers that can be cancelled (in a task, or with a signal) wait as
 * {@link AcquireWaiter}s in a core `WaiterQueue` (a cancelled one leaves at once, and a grant it cannot take
 * is handed on). Callers that nothing can cancel (outside every task, without a signal) wait as a bare
 * resolver in an array: `Promise.all(jobs.map((j) => sem.runExclusive(j)))` keeps every one of them alive
 * at once, and an object per waiter is what the garbage collector then pays for (measured: W2 went from
 * 1.4× to about 1.05× the hand-written floor). Both kinds draw tickets from one counter, and `grantNext`
 * serves the lower ticket first, so the order is first come, first served across both.
 * @module
 */
import { deliverWithGrants, grantsPending, WaiterQueue } from '../core/waiter.js';
import { type AcquireWaiter, type Grant, handTo } from './acquire-waiter.js';

/** What a queue grants for: the Lock or the Semaphore. @internal */
export interface GrantTarget {
  /**
   * Called once per grant, before it is handed out: returns a Permit when the waiter wants one, else the
   * Lock's number of the new holding (`restoreToken` is the number `Condition.wait` takes the lock back
   * under), which the waiter must release under, or undefined (a Semaphore).
   */
  grantValue(wantsPermit: boolean, restoreToken: number): Grant;
}

type Resolver = (value: Grant) => void;

/** The resolution of a caller nothing can cancel, queued behind grants not yet delivered. */
class PlainDelivery {
  private readonly resolve: Resolver;
  private readonly value: Grant;
  constructor(resolve: Resolver, value: Grant) {
    this.resolve = resolve;
    this.value = value;
  }
  deliver(): void {
    this.resolve(this.value);
  }
}

/** Compact the resolver arrays once this many entries were served and they are half dead. */
const COMPACT_AFTER = 1024;

/** @internal */
export class AcquireQueue {
  /** Cancellable waiters, in ticket order. */
  readonly waiters: WaiterQueue<AcquireWaiter> = new WaiterQueue<AcquireWaiter>();
  /** Uncancellable waiters' resolvers, from `head` on, in ticket order. */
  private resolvers: Array<Resolver | undefined> = [];
  /** Their tickets; negative for an `acquire()` (wants a Permit), positive for a `runExclusive`. */
  private tickets: number[] = [];
  private head = 0;
  /** The last ticket drawn. */
  private counter = 0;

  /** Callers waiting, of both kinds. */
  get size(): number {
    return this.waiters.size + this.resolvers.length - this.head;
  }

  /** Queues a cancellable waiter (already parked by the caller). */
  push(waiter: AcquireWaiter): void {
    waiter.ticket = ++this.counter;
    this.waiters.push(waiter);
  }

  /** Queues a caller that nothing can cancel; the promise resolves with its grant. */
  pushPlain(wantsPermit: boolean): Promise<Grant> {
    const ticket = ++this.counter;
    this.tickets.push(wantsPermit ? -ticket : ticket);
    return new Promise<Grant>((resolve) => {
      this.resolvers.push(resolve);
    });
  }

  /** Grants to the first caller in line; false if nobody waits. */
  grantNext(target: GrantTarget): boolean {
    const waiter = this.waiters.head;
    const head = this.head;
    if (head < this.resolvers.length) {
      const ticket = this.tickets[head]!;
      const wantsPermit = ticket < 0;
      if (waiter === undefined || (wantsPermit ? -ticket : ticket) < waiter.ticket) {
        const resolve = this.resolvers[head]!;
        this.resolvers[head] = undefined;
        this.head = head + 1;
        this.compact();
        const value = target.grantValue(wantsPermit, 0);
        // Resolved at once unless grants made before it are still on their way (it would resume first).
        if (grantsPending()) deliverWithGrants(new PlainDelivery(resolve, value));
        else resolve(value);
        return true;
      }
    }
    if (waiter === undefined) return false;
    if (waiter.needed > 1) {
      // A weighted acquire keeps the head of the line until it has all its permits.
      waiter.needed--;
      return true;
    }
    this.waiters.shift();
    const value = target.grantValue(waiter.wantsPermit, waiter.restoreToken);
    // A Permit goes to code we do not control, so its grant stays tentative until delivered (a cancel in
    // between hands it on). `runExclusive` (and Condition's shielded re-acquire) check for cancellation
    // themselves when they resume and hand the grant on then: they are resolved at once, which saves
    // a microtask per hand-over, unless grants made before are still on their way (FIFO).
    if (waiter.wantsPermit) handTo(waiter, value);
    else if (grantsPending()) waiter.grant(value);
    else waiter.resolve(value);
    return true;
  }

  /** Drops served entries: all of them when the arrays are drained, else in bulk once half are dead. */
  private compact(): void {
    const head = this.head;
    const length = this.resolvers.length;
    if (head === length) {
      this.resolvers.length = 0;
      this.tickets.length = 0;
      this.head = 0;
    } else if (head >= COMPACT_AFTER && head * 2 >= length) {
      this.resolvers.copyWithin(0, head);
      this.tickets.copyWithin(0, head);
      this.resolvers.length = length - head;
      this.tickets.length = length - head;
      this.head = 0;
    }
  }
}
