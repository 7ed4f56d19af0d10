import type { RuntimeContext } from '@synapse-sdk/core';

/** The event emitter of a run. */
export type RunEvents = RuntimeContext['events'];

/** How a run ended, as far as the display is concerned. */
export type RunOutcome = 'done' | 'failed' | 'cancelled';

/** The minimal stream a reporter writes to (stderr, or a test double). */
export interface OutputStream {
  write(chunk: string): unknown;
  /** Terminal width, when the stream is a terminal. */
  columns?: number | undefined;
}

/** Shows a run's progress from its runtime events. */
export interface RunReporter {
  /** Subscribes to `events`; `steps` are the step names known in advance (shown as pending). */
  attach(events: RunEvents, steps: readonly string[]): void;
  /** Writes a log line without breaking the display. */
  log(line: string): void;
  /** Final redraw; stops timers. */
  finish(outcome: RunOutcome): void;
}
