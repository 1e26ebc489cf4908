/**
 * The library's one intrusive doubly linked list: the node carries its own `prev`/`next` links, so adding and
 * removing allocate nothing and a node leaves from the middle in O(1) (a finished task, a settled wait). A
 * run's pending tasks, debug mode's open waits and an HTTP session's exchanges on the wire are such lists.
 *
 * A primitive's `WaiterQueue` and the executor's job queue are such lists (a `Job` is a waiter that is never in
 * a `WaiterQueue`, so both use the same links). An object in two lists at once needs a second pair of links
 * under other names, written out where they are used: a waiter in its scope (`scopePrev`), a scope in its
 * parent (`prevSibling`). A helper over field names would read the links by a key that varies, which V8 cannot
 * make fast on the waiting path.
 * @module
 * @internal
 */

/** What a {@link LinkedList} links: the node itself. The links are owned by the list the node is in. @internal */
export interface ListNode {
  prev: ListNode | undefined;
  next: ListNode | undefined;
}

/** @internal */
export class LinkedList<N extends ListNode> {
  head: N | undefined = undefined;
  tail: N | undefined = undefined;
  size = 0;

  /** Adds `node` at the end. */
  push(node: N): void {
    const tail = this.tail;
    node.prev = tail;
    node.next = undefined;
    if (tail !== undefined) tail.next = node;
    else this.head = node;
    this.tail = node;
    this.size++;
  }

  /** Adds `node` at the front. */
  unshift(node: N): void {
    const head = this.head;
    node.next = head;
    node.prev = undefined;
    if (head !== undefined) head.prev = node;
    else this.tail = node;
    this.head = node;
    this.size++;
  }

  /** Removes and returns the first node. */
  shift(): N | undefined {
    const first = this.head;
    if (first !== undefined) this.remove(first);
    return first;
  }

  /**
   * Removes `node`, which must be in this list or in none (it then does nothing). A node inside another list
   * would be unlinked from that one: callers that cannot tell keep an owner field, as `WaiterQueue` does.
   */
  remove(node: N): void {
    const prev = node.prev as N | undefined;
    const next = node.next as N | undefined;
    if (prev !== undefined) prev.next = next;
    else if (this.head === node) this.head = next;
    else return;
    if (next !== undefined) next.prev = prev;
    else this.tail = prev;
    node.prev = node.next = undefined;
    this.size--;
  }
}
