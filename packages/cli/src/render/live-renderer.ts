import { formatDuration } from './format-time.js';
import { jobOutputLine } from './job-output-line.js';
import type { OutputStream, RunEvents, RunOutcome, RunReporter } from './run-reporter.js';
import type { StyleFormat, Styler } from './style.js';
import { stylerFor } from './style.js';

/** State of one line of the live display. */
export type LineState =
  | 'pending'
  | 'running'
  | 'retrying'
  | 'done'
  | 'skipped'
  | 'failed'
  | 'rolled back'
  | 'rollback failed'
  | 'cancelled';

interface Line {
  name: string;
  state: LineState;
  percent: number;
  startedAt: number | undefined;
  endedAt: number | undefined;
  detail: string;
}

/** Options of {@link LiveRenderer}. */
export interface LiveRendererOptions {
  /** Milliseconds clock. @default Date.now */
  now?: () => number;
  /**
   * Colours on or off. @default decided by `util.styleText` for the stream: on in a terminal,
   * off with NO_COLOR, on with FORCE_COLOR
   */
  color?: boolean;
  /** Redraw interval for elapsed times, ms; 0 disables the timer. @default 100 */
  refreshMs?: number;
}

const BAR_WIDTH = 20;
const ICONS: Record<LineState, string> = {
  pending: '·',
  running: '›',
  retrying: '↻',
  done: '✔',
  skipped: '↷',
  failed: '✖',
  'rolled back': '↺',
  'rollback failed': '✖',
  cancelled: '✖',
};
const COLORS: Record<LineState, StyleFormat> = {
  pending: 'dim',
  running: 'cyan',
  retrying: 'yellow',
  done: 'green',
  skipped: 'dim',
  failed: 'red',
  'rolled back': 'yellow',
  'rollback failed': 'red',
  cancelled: 'red',
};
// Cursor movement (not colour): redraw the block in place.
const up = (lines: number): string => `\x1b[${lines}A`;
const CLEAR_LINE = '\r\x1b[2K';
const CLEAR_BELOW = '\r\x1b[0J';
const TOTAL = 'total';

/**
 * The display in a terminal: one live line per step (or per progress category in `execute()`
 * mode) with a bar, percentage, elapsed time and state, plus a total line, redrawn in place
 * with ANSI cursor movement. The running step's latest event is its detail; {@link log} lines
 * (warnings, and debug logs with `--verbose`) are printed above the block. A step that failed
 * and was then rolled back stays `failed` with the detail `rolled back`.
 */
export class LiveRenderer implements RunReporter {
  private readonly stream: OutputStream;
  private readonly now: () => number;
  private readonly style: Styler;
  private readonly refreshMs: number;
  private readonly lines: Line[] = [];
  private total: number | undefined;
  private drawn = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private finished = false;

  public constructor(stream: OutputStream, options: LiveRendererOptions = {}) {
    this.stream = stream;
    this.now = options.now ?? Date.now;
    this.style = stylerFor(stream, options.color);
    this.refreshMs = options.refreshMs ?? 100;
  }

  public attach(events: RunEvents, steps: readonly string[]): void {
    for (const name of steps) this.line(name);
    events.on('step:start', (e) => {
      const line = this.line(e.step);
      line.state = 'running';
      line.detail = e.attempt > 1 ? `attempt ${e.attempt}` : '';
      line.startedAt ??= this.now();
      this.draw();
    });
    events.on('step:end', (e) => {
      const line = this.line(e.step);
      line.endedAt = this.now();
      if (e.result.success) {
        line.state = 'done';
        line.percent = 100;
        line.detail = '';
      } else {
        line.state = 'failed';
        line.detail = (e.result.error ?? '').split('\n')[0] ?? '';
      }
      this.draw();
    });
    // The running step's latest event (an app status, an upload) shows as its detail.
    events.on('log', (e) => {
      const line = this.lines.find((l) => l.state === 'running');
      // A Ray job's output scrolls above the block, under the name of the step that runs it.
      const output = jobOutputLine(e);
      if (output !== undefined) {
        this.log(`  ${line?.name ?? 'job'} │ ${output}`);
        return;
      }
      if (!line) return;
      const status = e.data['status'];
      line.detail = typeof status === 'string' ? status : e.event.replace(/_/g, ' ');
      this.draw();
    });
    events.on('step:skip', (e) => {
      const line = this.line(e.step);
      line.state = 'skipped';
      line.percent = 100;
      this.draw();
    });
    events.on('step:retry', (e) => {
      const line = this.line(e.step);
      line.state = 'retrying';
      line.detail = `attempt ${e.attempt} failed: ${e.error}; next in ${formatDuration(e.delayMs)}`;
      this.draw();
    });
    events.on('step:rollback', (e) => {
      const line = this.line(e.step);
      // The step that failed stays visibly failed; only steps that had succeeded turn "rolled back".
      if (e.success) {
        if (line.state === 'failed') line.detail = 'rolled back';
        else line.state = 'rolled back';
      } else {
        line.state = 'rollback failed';
        line.detail = rollbackReason(e.error);
      }
      line.endedAt ??= this.now();
      this.draw();
    });
    events.on('progress', (e) => {
      if (e.category === undefined) {
        this.total = e.percent;
      } else {
        const existing = this.lines.find((l) => l.name === e.category);
        const line = existing ?? this.categoryLine(e.category);
        // A finished step stays at 100% (simple mode reports its category after the step ended).
        if (line.state !== 'done' && line.state !== 'skipped') line.percent = e.percent;
        if (line.state === 'pending') line.state = 'running';
        line.startedAt ??= this.now();
      }
      this.draw();
    });
    if (this.refreshMs > 0) {
      this.timer = setInterval(() => this.draw(), this.refreshMs);
      this.timer.unref();
    }
    this.draw();
  }

  public log(text: string): void {
    if (this.finished) {
      this.stream.write(text.endsWith('\n') ? text : `${text}\n`);
      return;
    }
    this.clear();
    this.stream.write(text.endsWith('\n') ? text : `${text}\n`);
    this.draw(true);
  }

  public finish(outcome: RunOutcome): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const end = this.now();
    for (const line of this.lines) {
      // A cancelled run's interrupted step ended as failed: show why.
      if (outcome === 'cancelled' && line.state === 'failed') line.state = 'cancelled';
      if (line.state !== 'running' && line.state !== 'retrying') continue;
      line.endedAt ??= end;
      if (outcome === 'done') {
        line.state = 'done';
        line.percent = 100;
      } else {
        line.state = outcome === 'cancelled' ? 'cancelled' : 'failed';
      }
    }
    if (outcome === 'done' && this.total !== undefined) this.total = 100;
    this.draw(true);
    this.finished = true;
    this.drawn = 0;
  }

  /** The current lines, without ANSI codes (for tests and for the final state). */
  public snapshot(): string[] {
    return this.render(stylerFor(undefined, false));
  }

  private line(name: string): Line {
    const existing = this.lines.find((l) => l.name === name);
    if (existing) return existing;
    const line: Line = {
      name,
      state: 'pending',
      percent: 0,
      startedAt: undefined,
      endedAt: undefined,
      detail: '',
    };
    this.lines.push(line);
    return line;
  }

  /** In execute() mode a new category means the previous ones are finished. */
  private categoryLine(name: string): Line {
    const end = this.now();
    for (const line of this.lines) {
      if (line.state === 'running') {
        line.state = 'done';
        line.percent = 100;
        line.endedAt ??= end;
      }
    }
    return this.line(name);
  }

  private render(style: Styler): string[] {
    const width = Math.max(
      ...this.lines.map((l) => l.name.length),
      this.total === undefined ? 0 : TOTAL.length,
    );
    const columns = Math.max(40, (this.stream.columns || 80) - 1);
    const now = this.now();
    const rows = this.lines.map((line) => {
      const elapsed =
        line.startedAt === undefined ? '' : formatDuration((line.endedAt ?? now) - line.startedAt);
      const text = `${ICONS[line.state]} ${line.name.padEnd(width)} ${bar(line.percent)} ${String(line.percent).padStart(3)}% ${elapsed.padStart(6)}  ${line.state}${line.detail ? ` (${line.detail})` : ''}`;
      return style(COLORS[line.state], clip(text, columns));
    });
    if (this.total !== undefined) {
      rows.push(
        clip(
          `  ${TOTAL.padEnd(width)} ${bar(this.total)} ${String(this.total).padStart(3)}%`,
          columns,
        ),
      );
    }
    return rows;
  }

  private clear(): void {
    if (this.drawn > 0) this.stream.write(`${up(this.drawn)}${CLEAR_BELOW}`);
    this.drawn = 0;
  }

  private draw(force = false): void {
    if (this.finished && !force) return;
    const rows = this.render(this.style);
    let out = this.drawn > 0 ? up(this.drawn) : '';
    for (const row of rows) out += `${CLEAR_LINE}${row}\n`;
    if (out) this.stream.write(out);
    this.drawn = rows.length;
  }
}

/** The orchestrator's `Rollback failed for step 'x': why`, without what the line already says. */
export function rollbackReason(error: string | undefined): string {
  return (error ?? '').replace(/^Rollback failed for step '[^']*': /, '');
}

function bar(percent: number): string {
  const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * BAR_WIDTH);
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`;
}

function clip(text: string, columns: number): string {
  return text.length <= columns ? text : `${text.slice(0, columns - 1)}…`;
}
