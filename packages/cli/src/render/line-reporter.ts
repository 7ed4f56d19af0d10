import { formatDuration, clockTime } from './format-time.js';
import type { OutputStream, RunEvents, RunOutcome, RunReporter } from './run-reporter.js';

/**
 * The display when stderr is not a terminal: one timestamped line per event,
 * e.g. `[12:00:01] deploy started`. Progress lines are written when a percentage changes.
 */
export class LineReporter implements RunReporter {
  private readonly stream: OutputStream;
  private readonly now: () => Date;
  private readonly lastPercent = new Map<string, number>();

  public constructor(stream: OutputStream, now: () => Date = () => new Date()) {
    this.stream = stream;
    this.now = now;
  }

  public attach(events: RunEvents, _steps: readonly string[]): void {
    events.on('step:start', (e) =>
      this.line(e.attempt > 1 ? `${e.step} started (attempt ${e.attempt})` : `${e.step} started`),
    );
    events.on('step:end', (e) =>
      this.line(
        e.result.success
          ? `${e.step} done in ${formatDuration(e.durationMs)}`
          : `${e.step} failed after ${formatDuration(e.durationMs)}: ${e.result.error ?? 'failed'}`,
      ),
    );
    events.on('step:skip', (e) => this.line(`${e.step} skipped`));
    events.on('step:retry', (e) =>
      this.line(
        `${e.step} retrying in ${formatDuration(e.delayMs)} (attempt ${e.attempt} failed: ${e.error})`,
      ),
    );
    events.on('step:rollback', (e) =>
      this.line(
        e.success ? `${e.step} rolled back` : `${e.step} rollback failed: ${e.error ?? ''}`,
      ),
    );
    events.on('progress', (e) => {
      const key = e.category ?? '';
      if (this.lastPercent.get(key) === e.percent) return;
      this.lastPercent.set(key, e.percent);
      this.line(`${e.category ?? 'progress'} ${e.percent}%`);
    });
  }

  public log(line: string): void {
    this.stream.write(line.endsWith('\n') ? line : `${line}\n`);
  }

  public finish(_outcome: RunOutcome): void {
    return undefined;
  }

  private line(text: string): void {
    this.stream.write(`[${clockTime(this.now())}] ${text}\n`);
  }
}
