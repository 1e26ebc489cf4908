// asyncio-ts: Queue(1000) inside run(), one producer task and four consumer tasks (createTask), taskDone()
// and join(), sentinels to stop: the seed's program as a user writes it.
import { createTask, Queue, run } from 'asyncio-ts';
import { main, measure } from '../../lib/bench-kit.mjs';
import { CONSUMERS, MAXSIZE, MEASURE, medianCpu, N, SENTINEL, timed, verify } from './_work.mjs';

async function once() {
  const q = new Queue(MAXSIZE);
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
    for (let c = 0; c < CONSUMERS; c++) consumers.push(createTask(() => consumer(c)));
    await createTask(producer);
    await q.join();
    for (let c = 0; c < CONSUMERS; c++) await q.put(SENTINEL);
    for (const task of consumers) await task;
  });
  return { wallMs, cpuMs, ok: verify(counts, sums), counts };
}

await main(() =>
  run(async () => {
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
  }),
);
