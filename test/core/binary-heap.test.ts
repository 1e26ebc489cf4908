import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryHeap } from '../../src/core/binary-heap.js';

interface Item {
  key: number;
  name: string;
  index: number;
}

/** A heap by `key` that records indices, with a switch to make the comparison throw. */
class ItemHeap extends BinaryHeap<Item> {
  /** Comparisons left before one throws (Infinity: never). */
  comparesLeft = Number.POSITIVE_INFINITY;
  protected compare(a: Item, b: Item): number {
    if (this.comparesLeft-- <= 0) throw new Error('compare failed');
    return a.key - b.key;
  }
  protected override placed(item: Item, index: number): void {
    item.index = index;
  }
  drain(): string[] {
    const out: string[] = [];
    for (let item = this.pop(); item !== undefined; item = this.pop()) out.push(item.name);
    return out;
  }
}

const item = (key: number, name: string): Item => ({ key, name, index: -1 });

test('equal keys come out in arrival order, also after removals from the middle', () => {
  const heap = new ItemHeap();
  const items = [item(2, 'a'), item(1, 'b'), item(2, 'c'), item(1, 'd'), item(2, 'e'), item(0, 'f')];
  for (const x of items) heap.push(x);
  heap.removeAt(items[3]!.index); // d
  assert.equal(items[3]!.index, -1);
  assert.equal(heap.size, 5);
  assert.deepEqual(heap.drain(), ['f', 'b', 'a', 'c', 'e']);
});

test('every stored index names the item, through random pushes and removals', () => {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const heap = new ItemHeap();
  const live: Item[] = [];
  for (let i = 0; i < 3000; i++) {
    if (live.length > 0 && random() < 0.45) {
      const victim = live.splice(Math.floor(random() * live.length), 1)[0]!;
      heap.removeAt(victim.index);
    } else {
      const x = item(Math.floor(random() * 50), String(i));
      heap.push(x);
      live.push(x);
    }
    for (const x of live) assert.equal(heap.at(x.index), x);
  }
  // Ties by arrival: names are arrival numbers, so (key, Number(name)) must come out sorted.
  const expected = live
    .slice()
    .sort((a, b) => a.key - b.key || Number(a.name) - Number(b.name))
    .map((x) => x.name);
  assert.deepEqual(heap.drain(), expected);
});

test('restore puts the item last popped back in front of later equal items', () => {
  const heap = new ItemHeap();
  for (const x of [item(1, 'a'), item(1, 'b'), item(1, 'c')]) heap.push(x);
  const first = heap.pop()!;
  heap.restore(first);
  assert.deepEqual(heap.drain(), ['a', 'b', 'c']);
});

test('a comparison that throws, at any step, leaves the heap as it was', () => {
  const keys = [5, 3, 8, 1, 4, 7, 2, 9, 6, 0, 11, 10, 12, 13, 14];
  const sorted = keys
    .slice()
    .sort((a, b) => a - b)
    .map(String);
  for (let k = 0; k < 8; k++) {
    for (const op of ['push', 'pop', 'removeAt'] as const) {
      const heap = new ItemHeap();
      const items = keys.map((key) => item(key, String(key)));
      for (const x of items) heap.push(x);
      heap.comparesLeft = k;
      let threw = false;
      try {
        if (op === 'push') heap.push(item(-1, 'x'));
        else if (op === 'pop') heap.pop();
        else heap.removeAt(items[1]!.index); // 3: the last item sinks into its place
      } catch {
        threw = true;
      }
      heap.comparesLeft = Number.POSITIVE_INFINITY;
      if (k === 0) assert.ok(threw, `${op} with no comparison allowed throws`);
      if (!threw) continue;
      assert.equal(heap.size, keys.length);
      for (const x of items) assert.equal(heap.at(x.index), x, `${op} after ${k}: index of ${x.name}`);
      assert.deepEqual(heap.drain(), sorted, `${op} failing after ${k} comparisons`);
    }
  }
});

test('clear empties the heap and tells each item it left', () => {
  const heap = new ItemHeap();
  const items = [item(2, 'a'), item(1, 'b')];
  for (const x of items) heap.push(x);
  heap.clear();
  assert.equal(heap.size, 0);
  assert.equal(heap.peek(), undefined);
  assert.deepEqual(
    items.map((x) => x.index),
    [-1, -1],
  );
});
