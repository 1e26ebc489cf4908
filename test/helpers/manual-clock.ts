/**
 * A clock for tests that moves only when told to (`advance(ms)`), firing due entries synchronously in
 * deadline order: deterministic timing for code that reads the run's clock (RateLimiter, sleep, timeout).
 */
import type { Clock, TimerEntry } from 'asyncio-ts';

export class ManualClock implements Clock {
  time: number;
  readonly entries = new Set<TimerEntry>();

  constructor(start = 1000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  schedule(entry: TimerEntry): void {
    entry.heapIndex = 0;
    this.entries.add(entry);
  }

  unschedule(entry: TimerEntry): void {
    entry.heapIndex = -1;
    this.entries.delete(entry);
  }

  /** Moves time on by `ms` and fires every entry now due, earliest first (also ones scheduled meanwhile). */
  advance(ms: number): void {
    this.time += ms;
    for (;;) {
      let first: TimerEntry | undefined;
      for (const entry of this.entries) {
        if (entry.deadline <= this.time && (first === undefined || entry.deadline < first.deadline))
          first = entry;
      }
      if (first === undefined) return;
      this.unschedule(first);
      first.onTimer();
    }
  }
}
