import type { StepResult } from '../steps/step-result.js';

/** Progress of a run or of a category, as `current` out of `total`. */
export interface ProgressEvent {
  current: number;
  total: number;
  /** `floor(current / total * 100)`. */
  percent: number;
  category?: string;
}

/** A structured log record emitted by an action or a step. Secrets are already masked. */
export interface LogEvent {
  event: string;
  data: Record<string, unknown>;
  timestamp: Date;
}

/** Metrics recorded for a category (by default, the current step). */
export interface MetricsEvent {
  value: Record<string, unknown>;
  category: string;
}

/** Emitted when a step attempt starts. `attempt` counts from 1. */
export interface StepStartEvent {
  step: string;
  index: number;
  attempt: number;
}

/** Emitted when a step finishes, successfully or not, after its last attempt. */
export interface StepEndEvent {
  step: string;
  index: number;
  result: StepResult;
  durationMs: number;
  attempts: number;
}

/** Emitted when `canSkip` returned true; the step counts as done and is never rolled back. */
export interface StepSkipEvent {
  step: string;
  index: number;
}

/**
 * Emitted when a resumed run takes a step's result from the journal instead of running it
 * (the step succeeded in an earlier session and was not rolled back).
 */
export interface StepReuseEvent {
  step: string;
  index: number;
}

/** Emitted before waiting to retry a failed attempt. */
export interface StepRetryEvent {
  step: string;
  /** The attempt that failed, counting from 1. */
  attempt: number;
  delayMs: number;
  error: string;
}

/** Emitted after a step's rollback ran. */
export interface StepRollbackEvent {
  step: string;
  success: boolean;
  error?: string;
}

/**
 * Every event a {@link RuntimeContext} emits, by name. Listeners run synchronously; a listener
 * that throws fails the current step (and so triggers rollback) rather than going unnoticed.
 */
export interface RuntimeEvents {
  progress: (event: ProgressEvent) => void;
  log: (event: LogEvent) => void;
  metrics: (event: MetricsEvent) => void;
  'step:start': (event: StepStartEvent) => void;
  'step:end': (event: StepEndEvent) => void;
  'step:skip': (event: StepSkipEvent) => void;
  'step:reuse': (event: StepReuseEvent) => void;
  'step:retry': (event: StepRetryEvent) => void;
  'step:rollback': (event: StepRollbackEvent) => void;
}
