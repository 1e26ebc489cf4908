// Floor: a hand-written bounded queue (a ring buffer of items, arrays of waiting resolvers used with push/shift,
// a counter for join) and plain async functions, no cancellation: the least machinery the program needs.
import { main, measure } from '../../lib/bench-kit.mjs';
import { CONSUMERS, MAXSIZE, MEASURE, medianCpu, N, SENTINEL, timed, verify } from './_work.mjs';

const RESOLVED = Promise.resolve();

class BoundedQueue {
  constructor(maxsize) {
    this.maxsize = maxsize;
    let capacity = 16;
    while (capacity < maxsize) capacity *= 2;
    this.items = new Array(capacity).fill(undefined); // ring buffer
    this.mask = capacity - 1;
    this.head = 0;
    this.size = 0;
    this.getters = []; // resolve functions of waiting get() calls, oldest first
    this.putters = []; // resolve functions of waiting put() calls, oldest first
    this.putItems = []; // their items
    this.unfinished = 0;
    this.joiners = [];
  }

  put(item) {
    this.unfinished++;
    if (this.getters.length !== 0) {
      this.getters.shift()(item); // straight to the longest-waiting getter
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
    if (this.putters.length !== 0) {
      // A slot is free: the longest-waiting putter's item enters now.
      this.items[(this.head + this.size) & this.mask] = this.putItems.shift();
      this.size++;
      this.unfinished++;
      this.putters.shift()();
    }
    return Promise.resolve(item);
  }

  taskDone() {
    if (--this.unfinished === 0 && this.joiners.length !== 0) {
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
  const { wallMs, cpuMs } = await timed(async () => {
    const consumers = [];
    for (let c = 0; c < CONSUMERS; c++) consumers.push(consumer(c));
    await producer();
    await q.join();
    for (let c = 0; c < CONSUMERS; c++) await q.put(SENTINEL);
    await Promise.all(consumers);
  });
  return { wallMs, cpuMs, ok: verify(counts, sums), counts };
}

await main(async () => {
  let ok = true;
  let spread;
  const cpu = [];
  const m = await measure(async () => {
    const r = await once();
    ok &&= r.ok;
    spread = r.counts;
    cpu.push(r.cpuMs);
    return r.wallMs;
  }, MEASURE);
  return {
    value: m.median,
    ok,
    info: { ...m, cpuMs: medianCpu(cpu, m.samples.length), perConsumer: spread },
  };
});
