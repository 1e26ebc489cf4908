import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinkedList } from '../../src/core/linked-list.js';

class Node {
  prev: Node | undefined = undefined;
  next: Node | undefined = undefined;
  constructor(readonly name: string) {}
}

const names = (list: LinkedList<Node>): string[] => {
  const out: string[] = [];
  for (let n = list.head; n !== undefined; n = n.next) out.push(n.name);
  const back: string[] = [];
  for (let n = list.tail; n !== undefined; n = n.prev) back.push(n.name);
  assert.deepEqual(back.reverse(), out, 'the prev links mirror the next links');
  assert.equal(list.size, out.length);
  return out;
};

test('push, unshift, shift and removal from the head, the middle and the tail', () => {
  const list = new LinkedList<Node>();
  const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((name) => new Node(name)) as [
    Node,
    Node,
    Node,
    Node,
    Node,
  ];
  list.push(b);
  list.push(c);
  list.unshift(a);
  list.push(d);
  list.push(e);
  assert.deepEqual(names(list), ['a', 'b', 'c', 'd', 'e']);
  list.remove(c);
  assert.deepEqual(names(list), ['a', 'b', 'd', 'e']);
  assert.equal(c.prev, undefined);
  assert.equal(c.next, undefined);
  list.remove(e);
  list.remove(a);
  assert.deepEqual(names(list), ['b', 'd']);
  assert.equal(list.shift(), b);
  assert.equal(list.shift(), d);
  assert.equal(list.shift(), undefined);
  assert.deepEqual(names(list), []);
});

test('removing a node that is in no list, or alone in another list, changes nothing', () => {
  const list = new LinkedList<Node>();
  const other = new LinkedList<Node>();
  const a = new Node('a');
  const alone = new Node('alone');
  list.push(a);
  other.push(alone);
  list.remove(new Node('stray'));
  list.remove(alone);
  assert.deepEqual(names(list), ['a']);
  assert.deepEqual(names(other), ['alone']);
});
