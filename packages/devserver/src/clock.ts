/** A cancellable timer handle returned by {@link Clock.setTimer}. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Time source of the simulator. Statuses are computed from `now()` on every read, so a test
 * that uses a {@link ManualClock} controls every transition without sleeping.
 */
export interface Clock {
  /** Current time in milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once `ms` milliseconds have passed on this clock. */
  setTimer(ms: number, fn: () => void): TimerHandle;
}

/** The real clock: `Date.now()` and `setTimeout` (timers do not keep the process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that only moves when told to. `advance(ms)` fires the timers that fall due, in order.
 *
 * @example
 * const clock = new ManualClock();
 * const dev = await startDevServer({ clock });
 * await dev.control.advance(300); // build done
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: PendingTimer[] = [];

  /** @param startMs the initial time. @default 1_700_000_000_000 (Nov 2023) */
  public constructor(startMs = 1_700_000_000_000) {
    this.current = startMs;
  }

  public now(): number {
    return this.current;
  }

  public setTimer(ms: number, fn: () => void): TimerHandle {
    const timer: PendingTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return { cancel: () => (this.timers = this.timers.filter((t) => t !== timer)) };
  }

  /** Moves time forward by `ms`, firing due timers in time order. */
  public advance(ms: number): void {
    if (!(ms >= 0))
      throw new RangeError(`ManualClock.advance(ms): ms must be a non-negative number, got ${ms}`);
    const target = this.current + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = target;
  }

  /** Number of timers not yet fired. */
  public get pendingTimers(): number {
    return this.timers.length;
  }
}
