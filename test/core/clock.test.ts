import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadlineHeap, type TimerEntry } from '../../src/core/clock.js';

function entry(deadline: number, log: number[]): TimerEntry {
  return { deadline, heapIndex: -1, onTimer: () => log.push(deadline) };
}

test('the deadline heap pops in deadline order and removes from the middle', () => {
  const heap = new DeadlineHeap();
  const log: number[] = [];
  const entries = [50, 10, 40, 30, 20, 60, 5].map((d) => entry(d, log));
  for (const e of entries) heap.push(e);
  assert.equal(heap.remove(entries[2]!), true); // 40
  assert.equal(heap.remove(entries[2]!), false, 'removing twice does nothing');
  assert.equal(entries[2]!.heapIndex, -1);
  const out: number[] = [];
  for (let e = heap.pop(); e !== undefined; e = heap.pop()) out.push(e.deadline);
  assert.deepEqual(out, [5, 10, 20, 30, 50, 60]);
});

test('random pushes and removals keep the heap ordered (deterministic pseudo-random)', () => {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const heap = new DeadlineHeap();
  const live = new Set<TimerEntry>();
  for (let i = 0; i < 2000; i++) {
    if (live.size > 0 && random() < 0.4) {
      const victim = [...live][Math.floor(random() * live.size)]!;
      heap.remove(victim);
      live.delete(victim);
    } else {
      const e = entry(Math.floor(random() * 1000), []);
      heap.push(e);
      live.add(e);
    }
  }
  const out: number[] = [];
  for (let e = heap.pop(); e !== undefined; e = heap.pop()) out.push(e.deadline);
  assert.equal(out.length, live.size);
  assert.deepEqual(
    out,
    [...out].sort((a, b) => a - b),
  );
});
