import type { Clock } from '@synapse-sdk/core';
import { cancellation } from '@synapse-sdk/core';
import { ManualClock as DevServerClock } from '@synapse-sdk/devserver';

/** Options of {@link ManualClock}. */
export interface ManualClockOptions {
  /** The initial time. @default the devserver clock's default start */
  startMs?: number;
  /**
   * Every sleep moves time forward by its own length at once, firing what falls due (the
   * devserver's transitions included), so code that waits runs without waiting. @default false
   */
  autoAdvance?: boolean;
}

/**
 * One clock for the SDK's waits (core's {@link Clock}) and the devserver's simulation: time moves
 * only through `advance(ms)`, or, with `autoAdvance`, as far as each sleep asks. Hand it to
 * `RuntimeContext.create({ clock })`, to a client's `clock` option and to `startDevServer`.
 */
export class ManualClock extends DevServerClock implements Clock {
  /** The length of every sleep asked for, in order. */
  public readonly sleeps: number[] = [];
  private readonly autoAdvance: boolean;
  private readonly sleepWaiters: Array<() => void> = [];

  public constructor(options: ManualClockOptions = {}) {
    super(options.startMs);
    this.autoAdvance = options.autoAdvance ?? false;
  }

  public sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(cancellation(signal));
    this.sleeps.push(ms);
    const sleeping = new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        timer.cancel();
        reject(cancellation(signal!));
      };
      const timer = this.setTimer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    for (const wake of this.sleepWaiters.splice(0)) wake();
    if (this.autoAdvance) this.advance(ms);
    return sleeping;
  }

  /** Resolves once code sleeps on this clock `count` times in all (counting earlier sleeps). */
  public async sleepsReach(count: number): Promise<void> {
    while (this.sleeps.length < count) {
      await new Promise<void>((resolve) => this.sleepWaiters.push(resolve));
    }
  }
}
