import type { OutputStream, RunEvents, RunOutcome, RunReporter } from './run-reporter.js';
import { toJson } from './to-json.js';

/**
 * `plugin run -o ndjson`: one JSON object per line on `stream` as the run goes —
 * `{"type": "run:start", "steps": […]}`, then every runtime event under its name (`step:start`,
 * `step:end`, `step:skip`, `step:retry`, `step:rollback`, `progress`, `log`, `metrics`), warnings
 * as `{"type": "message", "text"}`, and `{"type": "run:end", "outcome"}`. Each line carries
 * `time` (ISO 8601); secrets are masked. The command writes the result line itself, last.
 */
export class NdjsonReporter implements RunReporter {
  private readonly stream: OutputStream;
  private readonly now: () => Date;

  public constructor(stream: OutputStream, now: () => Date = () => new Date()) {
    this.stream = stream;
    this.now = now;
  }

  public attach(events: RunEvents, steps: readonly string[]): void {
    this.event('run:start', { steps });
    events.on('step:start', (e) => this.event('step:start', e));
    events.on('step:end', ({ result, ...rest }) =>
      // rollbackData holds the previous config: what the run restores, not what it reports.
      this.event('step:end', {
        ...rest,
        success: result.success,
        skipped: result.skipped,
        ...(result.error === undefined ? {} : { error: result.error }),
        data: result.data,
      }),
    );
    events.on('step:skip', (e) => this.event('step:skip', e));
    events.on('step:retry', (e) => this.event('step:retry', e));
    events.on('step:rollback', (e) => this.event('step:rollback', e));
    events.on('progress', (e) => this.event('progress', e));
    events.on('metrics', (e) => this.event('metrics', e));
    events.on('log', ({ timestamp, ...rest }) =>
      this.event('log', { ...rest, time: timestamp.toISOString() }),
    );
  }

  public log(line: string): void {
    this.event('message', { text: line.replace(/\n$/, '') });
  }

  public finish(outcome: RunOutcome): void {
    this.event('run:end', { outcome });
  }

  private event(type: string, fields: object): void {
    this.stream.write(`${toJson({ type, time: this.now().toISOString(), ...fields })}\n`);
  }
}

/** A reporter that hands every call to each of `reporters` in turn. */
export function allReporters(...reporters: RunReporter[]): RunReporter {
  return {
    attach: (events, steps) => reporters.forEach((r) => r.attach(events, steps)),
    log: (line) => reporters.forEach((r) => r.log(line)),
    finish: (outcome) => reporters.forEach((r) => r.finish(outcome)),
  };
}
