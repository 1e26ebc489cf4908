/**
 * Time: every sleep and deadline reads the clock of its run and arms its timer there. The default clock is
 * `performance.now()` plus one min-heap of deadlines driven by a single OS timer, re-armed only when the
 * earliest deadline moves (thousands of sleeps and timeouts cost one `setTimeout`). `asyncio-ts/testing`'s
 * VirtualClock implements the same interface.
 * @module
 */
import { BinaryHeap } from './binary-heap.js';

/** Something waiting for a deadline on a {@link Clock}. */
export interface TimerEntry {
  /** The deadline in the clock's milliseconds. */
  deadline: number;
  /** Position in the clock's heap; -1 while not scheduled. Owned by the clock. */
  heapIndex: number;
  /** Called once, from the clock, when the deadline has passed. */
  onTimer(): void;
}

/**
 * The source of time for one `run()`: `now()` and timers on deadlines.
 *
 * @example
 * ```ts
 * import { run, now, sleep } from 'asyncio-ts';
 * await run(async () => { const t0 = now(); await sleep(10); return now() - t0; }); // ≈ 10
 * ```
 */
export interface Clock {
  /** Milliseconds on this clock (monotonic). */
  now(): number;
  /** Arms `entry` for `entry.deadline`. */
  schedule(entry: TimerEntry): void;
  /** Disarms `entry` if it is armed. */
  unschedule(entry: TimerEntry): void;
  /** Called by a run on its clock when the run starts and ends (a virtual clock tracks its run). */
  attach?(run: ClockRun): void;
  detach?(run: ClockRun): void;
}

/** What a clock may learn of the run that uses it. */
export interface ClockRun {
  /** Number of pending tasks of the run. */
  readonly pendingTasks: number;
}

/**
 * The timers of a clock: a {@link BinaryHeap} by deadline (equal deadlines in scheduling order) whose entries
 * keep their own index, for O(log n) removal. Both clocks use it. @internal
 */
export class DeadlineHeap extends BinaryHeap<TimerEntry> {
  protected compare(a: TimerEntry, b: TimerEntry): number {
    return a.deadline - b.deadline;
  }

  protected override placed(entry: TimerEntry, index: number): void {
    entry.heapIndex = index;
  }

  /** Removes `entry` if it is in this heap; false if it was not. */
  remove(entry: TimerEntry): boolean {
    const index = entry.heapIndex;
    if (index < 0 || this.items[index] !== entry) return false;
    this.removeAt(index);
    return true;
  }
}

/**
 * libuv's timers run on a cached millisecond loop time, so a timer may fire a fraction of a millisecond before
 * `performance.now()` reaches its deadline. Entries this close to due are fired rather than re-armed.
 */
const EARLY_FIRE_TOLERANCE_MS = 1;

/**
 * Node's timers take at most 2³¹ − 1 ms; a longer delay fires after 1 ms (with a TimeoutOverflowWarning). A
 * farther deadline arms the timer for this long and re-arms it when it fires, so it never wakes early or spins.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * The default clock: `performance.now()` and one shared OS timer. Each `run()` has its own, so that when the
 * run ends its timer stops holding the process (see {@link SystemClock.detach}). @internal
 */
export class SystemClock implements Clock {
  private readonly heap = new DeadlineHeap();
  private timer: NodeJS.Timeout | undefined = undefined;
  /** The deadline the OS timer is armed for (Infinity when none). */
  private armedFor = Number.POSITIVE_INFINITY;
  /** Whether the OS timer keeps the process alive: only while some entry waits. */
  private referenced = false;
  /** Set when the run that owns this clock has ended: its timer no longer keeps the process alive. */
  private released = false;
  private readonly maxDelay: number;
  private readonly fire = (): void => this.onFire();

  /** @param maxDelay the longest delay one OS timer is armed for (smaller only in tests). */
  constructor(maxDelay = MAX_TIMER_DELAY_MS) {
    this.maxDelay = maxDelay;
  }

  now(): number {
    return performance.now();
  }

  schedule(entry: TimerEntry): void {
    this.heap.push(entry);
    if (entry.heapIndex === 0) this.arm(entry.deadline);
    else if (!this.referenced) this.setReferenced(true);
  }

  unschedule(entry: TimerEntry): void {
    // The OS timer stays armed for the old earliest deadline; when it fires it re-arms for the new one.
    // Only its hold on the process is dropped when nothing waits any more.
    if (this.heap.remove(entry) && this.heap.size === 0 && this.referenced) this.setReferenced(false);
  }

  private arm(deadline: number): void {
    if (this.timer !== undefined && this.armedFor <= deadline) {
      if (!this.referenced) this.setReferenced(true);
      return;
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    const start = performance.now();
    const delay = Math.ceil(deadline - start);
    if (delay > this.maxDelay) {
      this.timer = setTimeout(this.fire, this.maxDelay);
      this.armedFor = start + this.maxDelay;
    } else {
      this.timer = setTimeout(this.fire, Math.max(1, delay));
      this.armedFor = deadline;
    }
    this.referenced = true;
    if (this.released) this.setReferenced(false);
  }

  /**
   * The run that owned this clock has ended. Sleeps its tasks left behind (the losers of a `Promise.race`)
   * still fire if the process lives on, but no longer keep it alive.
   */
  detach(): void {
    this.released = true;
    if (this.referenced) this.setReferenced(false);
  }

  private setReferenced(on: boolean): void {
    if (on && this.released) return;
    this.referenced = on;
    const timer = this.timer;
    if (timer === undefined) return;
    if (on) timer.ref();
    else timer.unref();
  }

  private onFire(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    this.referenced = false;
    const heap = this.heap;
    const limit = performance.now() + EARLY_FIRE_TOLERANCE_MS;
    for (let entry = heap.peek(); entry !== undefined && entry.deadline <= limit; entry = heap.peek()) {
      heap.pop();
      entry.onTimer();
    }
    const next = heap.peek();
    if (next !== undefined) this.arm(next.deadline);
  }
}

/** The process-wide default clock. @internal */
export const systemClock: SystemClock = new SystemClock();
