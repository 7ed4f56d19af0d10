import type { Clock } from '../steps/clock.js';
import { systemClock } from '../steps/clock.js';

/** A clock whose sleeps return at once (still honouring cancellation) and are recorded. */
export class FakeClock implements Clock {
  public readonly sleeps: number[] = [];
  private time = 0;

  public now(): number {
    return this.time;
  }

  public async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    await systemClock.sleep(0, signal);
  }
}
