import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTask, now, run, sleep, timeout } from 'asyncio-ts';
import { DeadlineHeap, SystemClock, type TimerEntry } from '../../src/core/clock.js';
import { assertNoTimers } from '../helpers/leaks.js';

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

test('real time: a delay past Node’s 2³¹ ms timer limit neither spins nor wakes early', async () => {
  const overflows: string[] = [];
  const onWarning = (warning: Error): void => {
    if (warning.name === 'TimeoutOverflowWarning') overflows.push(warning.message);
  };
  process.on('warning', onWarning);
  try {
    await run(async () => {
      const long = createTask(() => sleep(2 ** 31 + 1000, 'woke'));
      const deadline = createTask(() => timeout(2 ** 32, () => sleep(Number.POSITIVE_INFINITY)));
      await sleep(40);
      assert.equal(long.done(), false, 'the long sleep must not wake early');
      assert.equal(deadline.done(), false, 'the long timeout must not expire early');
      long.cancel();
      deadline.cancel();
    });
  } finally {
    process.removeListener('warning', onWarning);
  }
  assert.deepEqual(overflows, [], 'no TimeoutOverflowWarning: the timer is never armed past the limit');
});

test('real time: a deadline beyond the longest OS timer is reached by re-arming, not early', async () => {
  // The same logic as for 2³¹ ms, with the limit made small enough to watch it work.
  const clock = new SystemClock(15);
  const elapsed = await run(
    async () => {
      const t0 = now();
      await sleep(50);
      return now() - t0;
    },
    { clock },
  );
  assert.ok(elapsed >= 49, `slept ${elapsed} ms for 50`);
});

test('real time: when run settles, a sleep its tasks left armed does not keep the process alive', async () => {
  await run(async () => {
    await Promise.race([sleep(5), sleep(60_000)]);
  });
  await assertNoTimers();
});

test('when run settles, the process exits even though a sleep of 60 s is still armed (real child process)', async () => {
  const fixture = fileURLToPath(new URL('./fixtures/race-sleep.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  // Generous bound: tsx start-up under load; the sleep it must not wait for is 60 s.
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearTimeout(killer);
  assert.equal(signal, null, 'the child had to be killed: the leftover timer kept it alive');
  assert.equal(code, 0);
  assert.match(out, /run settled/);
});
