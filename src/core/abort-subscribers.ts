/**
 * One 'abort' listener per `AbortSignal`, however many waits and tasks were given it. A request-scoped signal
 * passed to every call of a request is common; with a listener per wait, the eleventh concurrent wait made Node
 * print "MaxListenersExceededWarning: Possible EventTarget memory leak detected" although nothing leaked, and
 * each add and remove walked the signal's whole listener list. Here a signal gets one listener (a
 * {@link Subscribers} set) while at least one subscriber waits on it, and none afterwards.
 * @module
 */

/** @internal Something a signal's abort cancels: a parked waiter, a task created with `{ signal }`. */
export interface AbortSubscriber {
  /** Called when the signal aborts; reads `signal.reason` itself. */
  handleEvent(): void;
}

/** The subscribers of one signal, in subscription order; it is the signal's one listener. */
class Subscribers {
  readonly members = new Set<AbortSubscriber>();

  handleEvent(): void {
    // A subscriber unsubscribes as it is cancelled; a Set visits every member still in it, in order.
    for (const member of this.members) member.handleEvent();
  }
}

const bySignal = new WeakMap<AbortSignal, Subscribers>();

/** @internal Cancels `subscriber` when `signal` aborts (the caller has checked that it has not yet). */
export function subscribe(signal: AbortSignal, subscriber: AbortSubscriber): void {
  let subscribers = bySignal.get(signal);
  if (subscribers === undefined) {
    subscribers = new Subscribers();
    bySignal.set(signal, subscribers);
    signal.addEventListener('abort', subscribers);
  }
  subscribers.members.add(subscriber);
}

/** @internal Stops listening for `subscriber`; the signal's listener goes with its last subscriber. */
export function unsubscribe(signal: AbortSignal, subscriber: AbortSubscriber): void {
  const subscribers = bySignal.get(signal);
  if (subscribers === undefined || !subscribers.members.delete(subscriber)) return;
  if (subscribers.members.size === 0) {
    signal.removeEventListener('abort', subscribers);
    bySignal.delete(signal);
  }
}
