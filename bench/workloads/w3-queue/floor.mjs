// Floor: a hand-written bounded queue (ring buffer, FIFO arrays of waiting resolvers, a counter for join) and
// plain async functions, no cancellation: the least machinery the program needs.
import { main, measure } from '../../lib/bench-kit.mjs';
import { CONSUMERS, MAXSIZE, MEASURE, N, SENTINEL, verify } from './_work.mjs';

const RESOLVED = Promise.resolve();

class BoundedQueue {
  constructor(maxsize) {
    this.maxsize = maxsize;
    let capacity = 16;
    while (capacity < maxsize) capacity *= 2;
    this.items = new Array(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.head = 0;
    this.size = 0;
    this.getters = []; // resolve functions, FIFO from getHead
    this.getHead = 0;
    this.putters = []; // resolve functions
    this.putItems = [];
    this.putHead = 0;
    this.unfinished = 0;
    this.joiners = [];
  }

  put(item) {
    this.unfinished++;
    if (this.getHead < this.getters.length) {
      const resolve = this.getters[this.getHead];
      this.getters[this.getHead++] = undefined;
      if (this.getHead === this.getters.length) this.getters.length = this.getHead = 0;
      resolve(item);
      return RESOLVED;
    }
    if (this.size < this.maxsize) {
      this.items[(this.head + this.size) & this.mask] = item;
      this.size++;
      return RESOLVED;
    }
    this.unfinished--; // counted when it enters
    return new Promise((resolve) => {
      this.putters.push(resolve);
      this.putItems.push(item);
    });
  }

  get() {
    if (this.size === 0) return new Promise((resolve) => this.getters.push(resolve));
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    if (this.putHead < this.putters.length) {
      // A slot is free: the longest-waiting putter's item enters now.
      const resolve = this.putters[this.putHead];
      const putItem = this.putItems[this.putHead];
      this.putters[this.putHead] = this.putItems[this.putHead] = undefined;
      if (++this.putHead === this.putters.length)
        this.putters.length = this.putItems.length = this.putHead = 0;
      this.items[(this.head + this.size) & this.mask] = putItem;
      this.size++;
      this.unfinished++;
      resolve();
    }
    return Promise.resolve(item);
  }

  taskDone() {
    if (--this.unfinished === 0 && this.joiners.length > 0) {
      const joiners = this.joiners;
      this.joiners = [];
      for (const resolve of joiners) resolve();
    }
  }

  join() {
    return this.unfinished === 0 ? RESOLVED : new Promise((resolve) => this.joiners.push(resolve));
  }
}

async function once() {
  const q = new BoundedQueue(MAXSIZE);
  const counts = new Array(CONSUMERS).fill(0);
  const sums = new Array(CONSUMERS).fill(0);
  const consumer = async (c) => {
    for (;;) {
      const item = await q.get();
      if (item === SENTINEL) break;
      counts[c]++;
      sums[c] += item;
      q.taskDone();
    }
  };
  const producer = async () => {
    for (let i = 0; i < N; i++) await q.put(i);
  };
  const t0 = performance.now();
  const consumers = [];
  for (let c = 0; c < CONSUMERS; c++) consumers.push(consumer(c));
  await producer();
  await q.join();
  for (let c = 0; c < CONSUMERS; c++) await q.put(SENTINEL);
  await Promise.all(consumers);
  return { ms: performance.now() - t0, ok: verify(counts, sums), counts };
}

await main(async () => {
  let ok = true;
  let spread;
  const m = await measure(async () => {
    const r = await once();
    ok &&= r.ok;
    spread = r.counts;
    return r.ms;
  }, MEASURE);
  return { value: m.median, ok, info: { ...m, perConsumer: spread } };
});
