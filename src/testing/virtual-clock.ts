/**
 * `VirtualClock`: time that moves only when told to, or (autojump) as soon as nothing could happen before
 * the next deadline. Give it to `run(main, { clock })` and every `sleep`, `timeout`, `waitFor`, `wait`,
 * `asCompleted`, `RateLimiter` and `now()` of that run runs on virtual time: an hour of timeouts and backoff
 * takes milliseconds and happens in the same order every time (trio's `MockClock`).
 * @module
 */
import { type Clock, type ClockRun, DeadlineHeap, type TimerEntry } from '../core/clock.js';
import { InvalidStateError } from '../core/errors.js';
import type { RunState } from '../core/run-state.js';
import { checkMs, checkOptions, describe } from '../core/validate.js';
import { allTasksBlocked, asRunState, IdlePoller } from './run-idle.js';
import { hasBlockedWatchers } from './wait-all-tasks-blocked.js';

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /** The time `now()` starts at, in milliseconds. Default 0. */
  start?: number;
  /**
   * Jump to the next deadline as soon as every task of the run waits on the library (the clock, a lock, a
   * queue, another task) and none awaits foreign I/O. Default true. Turn it off to move time only with
   * {@link VirtualClock.advance} and {@link VirtualClock.jump}.
   */
  autojump?: boolean;
}

/**
 * A clock for tests. Time starts at `start` (default 0) and moves only by {@link VirtualClock.advance},
 * {@link VirtualClock.jump}, or autojump (on by default): as soon as every task of the run is blocked on a
 * library wait, time jumps to the earliest deadline and the timers due then fire. A task that awaits a plain
 * foreign promise (real I/O) holds the jump until that promise settles, so real I/O and virtual time mix
 * safely. Timers with the same deadline fire in the order they were scheduled.
 *
 * @example
 * ```ts
 * import { run, sleep, now, timeout, TimeoutError } from 'asyncio-ts';
 * import { VirtualClock } from 'asyncio-ts/testing';
 *
 * const clock = new VirtualClock();
 * const elapsed = await run(async () => {
 *   const t0 = now();
 *   try {
 *     await timeout(60 * 60_000, () => sleep(2 * 60 * 60_000)); // an hour-long timeout
 *   } catch (err) {
 *     if (!(err instanceof TimeoutError)) throw err;
 *   }
 *   return now() - t0;
 * }, { clock });
 * console.log(elapsed); // 3600000, after a few milliseconds of real time
 * ```
 */
export class VirtualClock implements Clock {
  private time: number;
  private autojumpOn: boolean;
  /** Deadlines; ties fire in scheduling order, so runs repeat exactly. */
  private readonly heap = new DeadlineHeap();
  private readonly runs = new Set<RunState>();
  /** Number of `advance()` calls in progress: autojump waits for them. */
  private advancing = 0;
  /** Jumps made by autojump, for tests and statistics. */
  private autojumps = 0;
  private readonly poller = new IdlePoller(
    () => this.readyToJump(),
    () => this.autojump1(),
  );
  /** Fires entries scheduled at or before the current time (they are due at once). */
  private dueImmediate: NodeJS.Immediate | undefined = undefined;
  private readonly fireDueNow = (): void => {
    this.dueImmediate = undefined;
    this.fireDue();
    this.rearm();
  };

  constructor(options?: VirtualClockOptions) {
    checkOptions(options, 'VirtualClock');
    // `null` is refused, not read as 0.
    const start = options?.start === undefined ? 0 : options.start;
    checkMs(start, 'options.start', 'VirtualClock');
    if (!Number.isFinite(start))
      throw new RangeError(`VirtualClock: options.start must be finite, received ${start}`);
    const autojump = options?.autojump ?? true;
    if (typeof autojump !== 'boolean') {
      throw new TypeError(`VirtualClock: options.autojump must be a boolean, received ${describe(autojump)}`);
    }
    this.time = start;
    this.autojumpOn = autojump;
  }

  /** The virtual time in milliseconds. */
  now(): number {
    return this.time;
  }

  /** Whether time jumps by itself when every task is blocked (see {@link VirtualClockOptions.autojump}). */
  get autojump(): boolean {
    return this.autojumpOn;
  }

  set autojump(on: boolean) {
    if (typeof on !== 'boolean') {
      throw new TypeError(`VirtualClock.autojump must be a boolean, received ${describe(on)}`);
    }
    this.autojumpOn = on;
    if (on) this.rearm();
    else this.poller.stop();
  }

  /** How many timers are armed. */
  get pendingTimers(): number {
    return this.heap.size;
  }

  /** The earliest armed deadline, or `undefined` when none is armed. */
  nextDeadline(): number | undefined {
    return this.heap.peek()?.deadline;
  }

  /** `{ now, pendingTimers, autojumps }`, for assertions and debugging. */
  statistics(): { now: number; pendingTimers: number; autojumps: number } {
    return { now: this.time, pendingTimers: this.heap.size, autojumps: this.autojumps };
  }

  /** Part of the {@link Clock} interface: sleeps and deadlines arm their timers here (not for user code). */
  schedule(entry: TimerEntry): void {
    if (entry.heapIndex >= 0) {
      throw new InvalidStateError('VirtualClock.schedule: the entry is already scheduled');
    }
    this.heap.push(entry);
    if (entry.deadline <= this.time) {
      this.dueImmediate ??= setImmediate(this.fireDueNow);
    } else {
      this.rearm();
    }
  }

  /** Part of the {@link Clock} interface: disarms a timer (not for user code). */
  unschedule(entry: TimerEntry): void {
    if (this.heap.remove(entry) && this.heap.size === 0) this.poller.stop();
  }

  /** @internal called by `run()` when a run using this clock starts. */
  attach(run: ClockRun): void {
    const state = asRunState(run);
    if (state === undefined) return;
    this.runs.add(state);
    this.rearm();
  }

  /** @internal called by `run()` when that run ends. */
  detach(run: ClockRun): void {
    const state = asRunState(run);
    if (state !== undefined) this.runs.delete(state);
    if (this.runs.size === 0) this.stopHandles();
  }

  /**
   * Moves time forward by `ms`, deadline by deadline: code that is runnable runs first (one turn of the
   * event loop, so tasks just created reach their waits); then at each deadline on the way the timers due
   * fire and the code they wake runs until it waits again before time moves on, so a loop of `sleep(100)`
   * sees every step. Autojump pauses meanwhile. Resolves once time has reached `now() + ms`.
   *
   * @example
   * ```ts
   * import { createTask, run, sleep } from 'asyncio-ts';
   * import { VirtualClock } from 'asyncio-ts/testing';
   * const clock = new VirtualClock({ autojump: false });
   * await run(async () => {
   *   const ticks: number[] = [];
   *   const ticker = createTask(async () => { for (;;) { await sleep(100); ticks.push(clock.now()); } });
   *   await clock.advance(350);
   *   console.log(ticks); // [100, 200, 300]
   *   ticker.cancel();
   * }, { clock });
   * ```
   */
  advance(ms: number): Promise<void> {
    checkMs(ms, 'ms', 'VirtualClock.advance');
    if (ms < 0 || !Number.isFinite(ms)) {
      throw new RangeError(`VirtualClock.advance: ms must be a finite number >= 0, received ${ms}`);
    }
    return this.advanceBy(ms);
  }

  private async advanceBy(ms: number): Promise<void> {
    const target = this.time + ms;
    this.advancing++;
    this.poller.stop();
    try {
      for (;;) {
        // First let what is runnable run (tasks just created reach their waits), then fire the next deadline.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const next = this.heap.peek();
        if (next === undefined || next.deadline > target) break;
        if (next.deadline > this.time) this.time = next.deadline;
        this.fireDue();
      }
      if (target > this.time) this.time = target;
    } finally {
      this.advancing--;
      this.rearm();
    }
  }

  /**
   * Moves time forward by `ms` at once and fires every timer due by then, in deadline order, synchronously
   * (trio's `MockClock.jump`). The woken code runs after this returns, at the new time.
   *
   * @example
   * ```ts
   * import { VirtualClock } from 'asyncio-ts/testing';
   * const clock = new VirtualClock({ autojump: false });
   * clock.jump(1000);
   * console.log(clock.now()); // 1000
   * ```
   */
  jump(ms: number): void {
    checkMs(ms, 'ms', 'VirtualClock.jump');
    if (ms < 0 || !Number.isFinite(ms)) {
      throw new RangeError(`VirtualClock.jump: ms must be a finite number >= 0, received ${ms}`);
    }
    this.time += ms;
    this.fireDue();
    this.rearm();
  }

  // ---- autojump ---------------------------------------------------------------------------------------

  private readyToJump(): boolean {
    if (!this.autojumpOn || this.advancing > 0 || this.heap.size === 0 || this.runs.size === 0) return false;
    for (const run of this.runs) {
      if (hasBlockedWatchers(run) || !allTasksBlocked(run)) return false;
    }
    return true;
  }

  private autojump1(): void {
    const next = this.heap.peek();
    if (next === undefined) return;
    if (next.deadline > this.time) this.time = next.deadline;
    this.autojumps++;
    this.fireDue();
    this.rearm();
  }

  /** Starts watching for idleness when a jump could be due. */
  private rearm(): void {
    if (this.autojumpOn && this.advancing === 0 && this.heap.size > 0 && this.runs.size > 0)
      this.poller.arm();
  }

  private stopHandles(): void {
    this.poller.stop();
    if (this.dueImmediate !== undefined) {
      clearImmediate(this.dueImmediate);
      this.dueImmediate = undefined;
    }
  }

  /** Fires, in (deadline, scheduling) order, every entry due at the current time. */
  private fireDue(): void {
    const heap = this.heap;
    for (let entry = heap.peek(); entry !== undefined && entry.deadline <= this.time; entry = heap.peek()) {
      heap.pop();
      entry.onTimer();
    }
  }
}
