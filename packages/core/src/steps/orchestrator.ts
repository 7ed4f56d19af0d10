import { CancelledError, StepFailedError } from '../errors/errors.js';
import type { RunRecorder } from '../journal/run-recorder.js';
import { backoffDelay } from '../wait/backoff.js';
import type { Clock } from '../wait/clock.js';
import type { RetryPolicy } from '../wait/retry-policy.js';
import { policyBackoff, shouldRetry, STEP_RETRY_BACKOFF } from '../wait/retry-policy.js';
import { BaseStep } from './base-step.js';
import { errorMessage } from './error-message.js';
import { AbortedAttempt, isPromiseLike, runAttempt } from './run-attempt.js';
import type { BaseStepContext } from './step-context.js';
import type { StepRegistry } from './step-registry.js';
import type { StepResult } from './step-result.js';
import {
  describeMalformedResult,
  normalizeResult,
  rollbackDataOf,
  stepFailure,
  stepSkipped,
} from './step-result.js';

/** Options of {@link Orchestrator}. */
export interface OrchestratorOptions {
  /** Called at each step boundary with `(floor(done / total * 100), 100)`. */
  onProgress?: (current: number, total: number) => void;
  /** Time source for retry delays. @default the runtime context's clock */
  clock?: Clock;
  /** Source of jitter, in [0, 1). @default Math.random */
  random?: () => number;
}

/** What a successful run returns. A failed run throws instead. */
export interface OrchestratorResult {
  success: true;
  /** Steps that ran (skipped steps excluded). */
  stepsExecuted: number;
  /** Steps registered (skipped steps included). */
  stepsTotal: number;
}

interface Executed<C extends BaseStepContext> {
  step: BaseStep<C>;
  result: StepResult;
}

interface Outcome {
  result: StepResult;
  cause?: unknown;
}

/**
 * Runs the steps of a registry in order, with the semantics of the Python SDK's orchestrator —
 * skipped steps count as done and are never rolled back; progress is `floor(done/total*100)` of
 * 100; on failure every executed step is rolled back in reverse, the failed step first, best
 * effort; then `Step '<name>' failed: <error>` is thrown — plus async steps, retries with
 * backoff and jitter, per-attempt timeouts, cancellation through the run's AbortSignal, and
 * step events on the runtime context.
 *
 * Unlike the Python version, an exception from `canSkip`, a malformed result or a throwing
 * progress listener also rolls back what ran, rollback error messages are kept, and the thrown
 * error carries the step's error as its `cause`.
 */
export class Orchestrator<C extends BaseStepContext> {
  private readonly registry: StepRegistry<C>;
  private readonly context: C;
  private readonly onProgress: ((current: number, total: number) => void) | undefined;
  private readonly clock: Clock;
  private readonly random: () => number;

  public constructor(registry: StepRegistry<C>, context: C, options: OrchestratorOptions = {}) {
    this.registry = registry;
    this.context = context;
    this.onProgress = options.onProgress;
    this.clock = options.clock ?? context.runtimeCtx.clock;
    this.random = options.random ?? Math.random;
  }

  /**
   * Runs every step; resolves with counts, or rejects after rolling back. A step whose
   * `canSkip` and `execute` return plain values (not promises) is run without awaiting them:
   * the loop is hot, and most of its cost would otherwise be promise bookkeeping.
   */
  public async execute(): Promise<OrchestratorResult> {
    const steps = this.registry.getSteps();
    const total = this.registry.totalWeight;
    const executed: Executed<C>[] = [];
    const signal = this.context.runtimeCtx.givenSignal;
    const events = this.context.runtimeCtx.events;
    const journal = this.context.runtimeCtx.journal;
    let completed = 0;

    try {
      for (let index = 0; index < steps.length; index++) {
        const step = steps[index]!;
        this.context.currentStep = step.name;
        if (signal?.aborted) {
          throw await this.failure(
            step.name,
            { result: stepFailure('Cancelled') },
            executed,
            'before',
          );
        }

        if (journal?.reusedResult(step.name)) {
          await this.reuse(journal, step, index, executed, completed + step.progressWeight, total);
          completed += step.progressWeight;
          continue;
        }

        let skip: boolean;
        try {
          const canSkip = step.canSkip(this.context);
          skip = isPromiseLike(canSkip) ? await canSkip : canSkip;
        } catch (error) {
          const result = stepFailure(`canSkip failed: ${errorMessage(error)}`);
          this.context.recordResult(step.name, result);
          throw await this.failure(step.name, { result, cause: error }, executed, 'during');
        }

        if (skip) {
          const unrecorded = journal ? await this.recordSkip(journal, step, index) : undefined;
          if (unrecorded) throw await this.failure(step.name, unrecorded, executed, 'during');
          this.context.recordResult(step.name, stepSkipped());
          completed += step.progressWeight;
          let listenerError: Outcome | undefined;
          try {
            events.emit('step:skip', { step: step.name, index });
            this.reportProgress(completed, total);
          } catch (error) {
            listenerError = listenerFailure(error);
          }
          if (listenerError) throw await this.failure(step.name, listenerError, executed, 'during');
          continue;
        }

        const ran = this.runStep(step, index);
        const outcome = isPromiseLike(ran) ? await ran : ran;
        this.context.recordResult(step.name, outcome.result);
        executed.push({ step, result: outcome.result });
        if (!outcome.result.success) {
          throw await this.failure(step.name, outcome, executed, 'during');
        }

        completed += step.progressWeight;
        let listenerError: Outcome | undefined;
        try {
          this.reportProgress(completed, total);
        } catch (error) {
          listenerError = listenerFailure(error);
        }
        if (listenerError) throw await this.failure(step.name, listenerError, executed, 'during');
      }
      return { success: true, stepsExecuted: executed.length, stepsTotal: steps.length };
    } finally {
      this.context.currentStep = null;
    }
  }

  /** Runs a step's first attempt, and its retries when it fails and its policy allows. */
  private runStep(step: BaseStep<C>, index: number): Outcome | Promise<Outcome> {
    const startedAt = this.clock.now();
    const journal = this.context.runtimeCtx.journal;
    // Without a journal (a run built in code) the boundaries write nothing: the hot path.
    if (journal) return this.journaledAttempt(journal, step, index, startedAt, 1);
    this.emitStart(step, index, 1);
    const first = this.attempt(step, 1);
    return isPromiseLike(first)
      ? first.then((outcome) => this.afterAttempt(step, index, startedAt, 1, outcome))
      : this.afterAttempt(step, index, startedAt, 1, first);
  }

  /** Attempt `attempt` of a journaled run: its start is durable before the step runs. */
  private async journaledAttempt(
    journal: RunRecorder,
    step: BaseStep<C>,
    index: number,
    startedAt: number,
    attempt: number,
  ): Promise<Outcome> {
    this.emitStart(step, index, attempt);
    const unrecorded = await this.journaled(() => journal.stepStarted(step.name, index, attempt));
    if (unrecorded) return await this.endStep(step, index, startedAt, attempt, unrecorded);
    const outcome = await this.attempt(step, attempt);
    return await this.afterAttempt(step, index, startedAt, attempt, outcome);
  }

  /** The events of a step are built only when heard: a run nobody watches allocates none. */
  private emitStart(step: BaseStep<C>, index: number, attempt: number): void {
    const events = this.context.runtimeCtx.events;
    if (events.listenerCount('step:start') > 0) {
      events.emit('step:start', { step: step.name, index, attempt });
    }
  }

  /** Ends the step with attempt number `attempt`, or waits and tries again. */
  private afterAttempt(
    step: BaseStep<C>,
    index: number,
    startedAt: number,
    attempt: number,
    outcome: Outcome,
  ): Outcome | Promise<Outcome> {
    const policy = step.retry;
    const attempts = Math.max(1, Math.floor(policy?.attempts ?? 1));
    const retry =
      !outcome.result.success &&
      attempt < attempts &&
      this.context.runtimeCtx.givenSignal?.aborted !== true &&
      policy !== undefined &&
      shouldRetry(policy, outcome.cause);
    if (retry) return this.retry(step, index, startedAt, attempt, outcome, policy);
    return this.endStep(step, index, startedAt, attempt, outcome);
  }

  /** Records the step's end in the journal, if any, then tells the listeners. */
  private endStep(
    step: BaseStep<C>,
    index: number,
    startedAt: number,
    attempts: number,
    outcome: Outcome,
  ): Outcome | Promise<Outcome> {
    const journal = this.context.runtimeCtx.journal;
    // No closure here: one would make every step of a run without a journal allocate.
    if (!journal) return this.emitEnd(step, index, startedAt, attempts, outcome);
    return this.endJournaled(journal, step, index, startedAt, attempts, outcome);
  }

  private async endJournaled(
    journal: RunRecorder,
    step: BaseStep<C>,
    index: number,
    startedAt: number,
    attempts: number,
    outcome: Outcome,
  ): Promise<Outcome> {
    const endedAt = this.clock.now();
    const durationMs = endedAt - startedAt;
    const unrecorded = await this.journaled(() =>
      journal.stepEnded(step.name, index, outcome.result, attempts, durationMs),
    );
    // The step ran but its end could not be recorded: fail it, so that it is rolled back.
    const ended =
      unrecorded && outcome.result.success
        ? {
            ...unrecorded,
            result: { ...unrecorded.result, rollbackData: outcome.result.rollbackData },
          }
        : outcome;
    return this.emitEnd(step, index, startedAt, attempts, ended, endedAt);
  }

  /** As {@link Orchestrator.emitStart}: the duration too is measured only when heard. */
  private emitEnd(
    step: BaseStep<C>,
    index: number,
    startedAt: number,
    attempts: number,
    outcome: Outcome,
    endedAt?: number,
  ): Outcome {
    const events = this.context.runtimeCtx.events;
    if (events.listenerCount('step:end') > 0) {
      events.emit('step:end', {
        step: step.name,
        index,
        result: outcome.result,
        durationMs: (endedAt ?? this.clock.now()) - startedAt,
        attempts,
      });
    }
    return outcome;
  }

  /** Waits the policy's backoff after failed attempt `attempt`, then makes the next one. */
  private async retry(
    step: BaseStep<C>,
    index: number,
    startedAt: number,
    attempt: number,
    failed: Outcome,
    policy: RetryPolicy,
  ): Promise<Outcome> {
    const { events, givenSignal: signal } = this.context.runtimeCtx;
    const delayMs = backoffDelay(policyBackoff(policy, STEP_RETRY_BACKOFF), attempt, this.random);
    events.emit('step:retry', {
      step: step.name,
      attempt,
      delayMs,
      error: failed.result.error ?? 'failed',
    });
    try {
      await this.clock.sleep(delayMs, signal);
    } catch (error) {
      const stopped = { result: stepFailure(errorMessage(error)), cause: error };
      return await this.endStep(step, index, startedAt, attempt, stopped);
    }
    const next = attempt + 1;
    const journal = this.context.runtimeCtx.journal;
    if (journal) return await this.journaledAttempt(journal, step, index, startedAt, next);
    this.emitStart(step, index, next);
    return await this.afterAttempt(step, index, startedAt, next, await this.attempt(step, next));
  }

  /**
   * Records that `step` was skipped. Apart from the loop on purpose: a closure there would make
   * each step of every run allocate its variables on the heap.
   */
  private recordSkip(
    journal: RunRecorder,
    step: BaseStep<C>,
    index: number,
  ): Promise<Outcome | undefined> {
    return this.journaled(() => journal.stepSkipped(step.name, index));
  }

  /**
   * Takes `step`'s result from the journal instead of running it (a resume), records that, and
   * reports progress; a record or listener that fails fails the step, rolling back what ran.
   */
  private async reuse(
    journal: RunRecorder,
    step: BaseStep<C>,
    index: number,
    executed: Executed<C>[],
    completed: number,
    total: number,
  ): Promise<void> {
    const result = journal.reusedResult(step.name)!;
    const unrecorded = await this.journaled(() => journal.stepReused(step.name, index));
    const outcome = unrecorded ?? { result };
    this.context.recordResult(step.name, outcome.result);
    if (!outcome.result.success) throw await this.failure(step.name, outcome, executed, 'during');
    executed.push({ step, result });
    let listenerError: Outcome | undefined;
    try {
      this.context.runtimeCtx.events.emit('step:reuse', { step: step.name, index });
      this.reportProgress(completed, total);
    } catch (error) {
      listenerError = listenerFailure(error);
    }
    if (listenerError) throw await this.failure(step.name, listenerError, executed, 'during');
  }

  /** Writes a journal entry; a failure becomes the outcome that fails the current step. */
  private async journaled(write: () => Promise<void>): Promise<Outcome | undefined> {
    try {
      await write();
      return undefined;
    } catch (error) {
      return {
        result: stepFailure(`the run's journal could not be written: ${errorMessage(error)}`),
        cause: error,
      };
    }
  }

  private attempt(step: BaseStep<C>, attempt: number): Outcome | Promise<Outcome> {
    let value: unknown;
    try {
      value = runAttempt(step, this.context, attempt, this.context.runtimeCtx.givenSignal);
    } catch (error) {
      return thrownOutcome(error);
    }
    return isPromiseLike(value)
      ? Promise.resolve(value).then(settledOutcome, thrownOutcome)
      : settledOutcome(value);
  }

  /** Rolls back what ran and returns the error that ends the run. */
  private async failure(
    stepName: string,
    outcome: Outcome,
    executed: Executed<C>[],
    when: 'before' | 'during',
  ): Promise<Error> {
    const { undone, failures: rollbackErrors } = await this.rollback(executed);
    const cancelled =
      this.context.runtimeCtx.givenSignal?.aborted === true ||
      outcome.cause instanceof CancelledError;
    if (cancelled) {
      const summary =
        rollbackErrors.length > 0
          ? `rolled back ${undone} step${undone === 1 ? '' : 's'}; ${rollbackErrors.join('; ')}`
          : `rolled back ${undone} step${undone === 1 ? '' : 's'}`;
      return new CancelledError(`Cancelled ${when} step '${stepName}'; ${summary}`, {
        cause: outcome.cause,
        rollbackErrors,
      });
    }
    return new StepFailedError(stepName, outcome.result.error ?? 'unknown error', rollbackErrors, {
      cause: outcome.cause,
    });
  }

  /**
   * Rolls back executed steps newest first, best effort. Steps that do not override `rollback`
   * have nothing to undo and are passed over (no call, no event). Returns how many rollbacks
   * succeeded and the messages of those that failed.
   */
  private async rollback(executed: Executed<C>[]): Promise<{ undone: number; failures: string[] }> {
    const events = this.context.runtimeCtx.events;
    const journal = this.context.runtimeCtx.journal;
    const failures: string[] = [];
    let undone = 0;
    for (let i = executed.length - 1; i >= 0; i--) {
      const { step, result } = executed[i]!;
      if (step.rollback === BaseStep.prototype.rollback) continue;
      let error: string | undefined;
      try {
        await journal?.rollbackStarted(step.name);
        await step.rollback(this.context, result);
        this.context.recordRollback(step.name);
        undone++;
      } catch (cause) {
        error = `Rollback failed for step '${step.name}': ${errorMessage(cause)}`;
        this.context.errors.push(error);
        failures.push(error);
      }
      try {
        await journal?.rollbackEnded(step.name, error);
      } catch (cause) {
        // The rollback happened (or failed) either way; the journal only lost its record.
        this.context.errors.push(
          `Journal: could not record the rollback of '${step.name}': ${errorMessage(cause)}`,
        );
      }
      try {
        events.emit('step:rollback', {
          step: step.name,
          success: error === undefined,
          ...(error === undefined ? {} : { error }),
        });
      } catch {
        // Rollback is best effort: a broken listener must not stop the remaining rollbacks.
      }
    }
    return { undone, failures };
  }

  private reportProgress(completed: number, total: number): void {
    if (this.onProgress && total > 0) this.onProgress(Math.floor((completed / total) * 100), 100);
  }
}

/** The outcome of an attempt that returned (or resolved with) `value`. */
function settledOutcome(value: unknown): Outcome {
  const malformed = describeMalformedResult(value);
  if (malformed !== undefined) {
    // A malformed result is a programming error: retrying would return the same thing.
    return { result: stepFailure(malformed), cause: new TypeError(malformed) };
  }
  const result = normalizeResult(value as StepResult);
  if (result.success) return { result };
  const cause = result.cause ?? new Error(result.error ?? 'step reported failure without an error');
  return { result, cause };
}

/** The outcome of an attempt that threw (or rejected with) `error`. */
function thrownOutcome(error: unknown): Outcome {
  if (error instanceof AbortedAttempt) {
    // The step settled after the abort: its rollback gets what it said it changed.
    const result = stepFailure(errorMessage(error.reason), rollbackDataOf(error.settled));
    return { result, cause: error.reason };
  }
  return { result: stepFailure(errorMessage(error)), cause: error };
}

/** A progress or event listener threw: that fails the current step. */
function listenerFailure(error: unknown): Outcome {
  const result = stepFailure(`progress or event listener failed: ${errorMessage(error)}`);
  return { result, cause: error };
}
