import { clockTime, formatDuration } from './format-time.js';
import { jobOutputLine } from './job-output-line.js';
import { rollbackReason } from './live-renderer.js';
import type { OutputStream, RunEvents, RunOutcome, RunReporter } from './run-reporter.js';

/**
 * The display when stderr is not a terminal: one timestamped line per event,
 * e.g. `[12:00:01] deploy started`. Progress lines are written when a percentage changes; the
 * rollback of the step that failed reads `deploy failed, rolled back`.
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
    let current: string | undefined;
    const failed = new Set<string>();
    events.on('step:start', (e) => {
      current = e.step;
      this.line(e.attempt > 1 ? `${e.step} started (attempt ${e.attempt})` : `${e.step} started`);
    });
    events.on('step:end', (e) => {
      current = undefined;
      if (!e.result.success) failed.add(e.step);
      // The full error, traceback included, is printed once at the end of the run.
      const error = firstLine(e.result.error ?? 'failed');
      this.line(
        e.result.success
          ? `${e.step} done in ${formatDuration(e.durationMs)}`
          : `${e.step} failed after ${formatDuration(e.durationMs)}: ${error}`,
      );
    });
    events.on('log', (e) => {
      // A Ray job's output is shown as it is, not as an event with fields.
      const output = jobOutputLine(e);
      if (output !== undefined) this.line(`${current ?? 'job'} │ ${output}`);
      else this.line(`${current ? `${current}: ` : ''}${e.event}${formatFields(e.data)}`);
    });
    events.on('step:skip', (e) => this.line(`${e.step} skipped`));
    events.on('step:retry', (e) =>
      this.line(
        `${e.step} retrying in ${formatDuration(e.delayMs)} (attempt ${e.attempt} failed: ${e.error})`,
      ),
    );
    events.on('step:rollback', (e) => {
      // Say it again for the step that failed, so that its rollback does not read as a success.
      const step = failed.has(e.step) ? `${e.step} failed,` : e.step;
      this.line(
        e.success ? `${step} rolled back` : `${step} rollback failed: ${rollbackReason(e.error)}`,
      );
    });
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

const MAX_FIELD_LENGTH = 100;

/** ` key=value …` with each value on one line and cut to a readable length. */
function formatFields(data: Record<string, unknown>): string {
  return Object.entries(data)
    .map(([key, value]) => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      let shown = firstLine(text ?? '');
      if (shown.length > MAX_FIELD_LENGTH) shown = `${shown.slice(0, MAX_FIELD_LENGTH - 1)}…`;
      if (shown !== text && !shown.endsWith('…')) shown += ' …';
      const quote = typeof value === 'string' && (/\s/.test(shown) || shown === '');
      return ` ${key}=${quote ? JSON.stringify(shown) : shown}`;
    })
    .join('');
}

function firstLine(text: string): string {
  const index = text.indexOf('\n');
  return index < 0 ? text : text.slice(0, index);
}
