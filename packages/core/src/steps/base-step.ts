import type { RetryPolicy } from '../wait/retry-policy.js';
import type { BaseStepContext } from './step-context.js';
import type { StepResult } from './step-result.js';

/** Per-attempt information handed to {@link BaseStep.execute}. */
export interface StepAttempt {
  /** Aborts when the run is cancelled or this attempt times out; pass it to every I/O call. */
  signal: AbortSignal;
  /** 1 for the first attempt. */
  number: number;
}

/**
 * One unit of work in a pipeline. Subclasses set `name` and `progressWeight` and implement
 * `execute`; `canSkip`, `rollback`, `retry` and `timeoutMs` are optional.
 */
export abstract class BaseStep<C extends BaseStepContext = BaseStepContext> {
  /** Unique name within a registry; used by insertBefore/insertAfter and in errors. */
  public abstract readonly name: string;
  /** Share of the run's progress this step represents (relative to the sum of all weights). */
  public abstract readonly progressWeight: number;
  /** Retry policy for failed attempts. @default no retry */
  public readonly retry?: RetryPolicy | undefined;
  /** Time limit of one attempt, in milliseconds. @default none */
  public readonly timeoutMs?: number | undefined;
  /**
   * True when `execute` stops soon after its signal aborts and still returns its result, with
   * the `rollbackData` of what it changed so far. After a cancellation or a timeout the
   * orchestrator then waits for the attempt to end before rolling back, so `rollback` receives
   * that result. Leave it unset for a step that may ignore its signal: the run then moves on
   * without waiting, and `rollback` gets an empty `rollbackData`. @default false
   */
  public readonly settlesOnAbort?: boolean | undefined;
  /**
   * True when the step may run again after its process died in the middle of it, on
   * `synapse runs resume`: it finds or finishes what the interrupted attempt began (an
   * idempotent write, a job it re-attaches to) and merges the rollback data that attempt
   * journaled (`runtimeCtx.journal?.priorRollbackData(name)`). A step that succeeded is never
   * run again on resume, resumable or not. @default false
   */
  public readonly resumable?: boolean | undefined;

  /** Does the work. Throwing or returning `success: false` fails the step. */
  public abstract execute(context: C, attempt: StepAttempt): Promise<StepResult> | StepResult;

  /** Returns true to skip the step: it then counts as done and is never rolled back. */
  public canSkip(_context: C): boolean | Promise<boolean> {
    return false;
  }

  /**
   * Undoes what `execute` did. Called for executed steps in reverse order when a later step (or
   * this one) fails; a failed step's rollback receives its failed result, so it must tolerate
   * partial work.
   */
  public rollback(_context: C, _result: StepResult): void | Promise<void> {
    return undefined;
  }
}
