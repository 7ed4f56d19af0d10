import { BaseStep } from '../steps/base-step.js';
import { errorMessage } from '../steps/error-message.js';
import type { BaseStepContext } from '../steps/step-context.js';
import type { StepResult } from '../steps/step-result.js';
import { stepFailure } from '../steps/step-result.js';
import type { RunRecorder } from './run-recorder.js';
import { fromJournal } from './run-recorder.js';
import type { RunState, StepState } from './run-state.js';
import { stepsToRollBack } from './run-state.js';

/** What {@link rollbackRun} did. */
export interface RollbackRunReport {
  /** Steps whose rollback ran and succeeded, in the order they ran. */
  undone: string[];
  /** Steps that have nothing to undo (no `rollback` of their own). */
  passedOver: string[];
  /** One message per rollback that failed (or step that could not be found). */
  failures: string[];
}

/**
 * Rolls back a journaled run from another process: every step that ran (or began to) and was
 * not rolled back, newest first, each with the result and rollback data its journal holds — for
 * a step killed in the middle, what it wrote ahead. Best effort, as the orchestrator's own
 * rollback: a failure is kept and the next step is still rolled back. Each rollback is
 * journaled in `journal`, so an interrupted rollback can be finished later.
 */
export async function rollbackRun<C extends BaseStepContext>(
  steps: readonly BaseStep<C>[],
  context: C,
  run: RunState,
  journal: RunRecorder | undefined,
): Promise<RollbackRunReport> {
  const report: RollbackRunReport = { undone: [], passedOver: [], failures: [] };
  const byName = new Map(steps.map((step) => [step.name, step]));
  // Later rollbacks may read earlier steps' results, as they would in the run itself.
  for (const state of run.steps) {
    if (state.result) context.recordResult(state.name, journaledResultOf(state));
  }
  for (const state of stepsToRollBack(run)) {
    const step = byName.get(state.name);
    if (!step) {
      report.failures.push(
        `Rollback failed for step '${state.name}': the action has no step of that name any more (was the plugin changed?)`,
      );
      continue;
    }
    if (step.rollback === BaseStep.prototype.rollback) {
      report.passedOver.push(step.name);
      continue;
    }
    let error: string | undefined;
    try {
      await journal?.rollbackStarted(step.name);
      await step.rollback(context, journaledResultOf(state));
      context.recordRollback(step.name);
      report.undone.push(step.name);
    } catch (cause) {
      error = `Rollback failed for step '${step.name}': ${errorMessage(cause)}`;
      report.failures.push(error);
    }
    await journal?.rollbackEnded(step.name, error);
    try {
      context.runtimeCtx.events.emit('step:rollback', {
        step: step.name,
        success: error === undefined,
        ...(error === undefined ? {} : { error }),
      });
    } catch {
      // A broken listener must not stop the remaining rollbacks.
    }
  }
  return report;
}

/**
 * The steps {@link rollbackRun} would undo, newest first: those of {@link stepsToRollBack} that
 * have a rollback of their own (or that the action no longer has, which it reports).
 */
export function rollbackTargets<C extends BaseStepContext>(
  steps: readonly BaseStep<C>[],
  run: RunState,
): string[] {
  const byName = new Map(steps.map((step) => [step.name, step]));
  return stepsToRollBack(run)
    .filter((state) => byName.get(state.name)?.rollback !== BaseStep.prototype.rollback)
    .map((state) => state.name);
}

/** The result a step's rollback receives: its journaled one, with the latest rollback data. */
function journaledResultOf(state: StepState): StepResult {
  if (state.result) return { ...fromJournal(state.result), rollbackData: state.rollbackData };
  return stepFailure(`interrupted in step '${state.name}'`, state.rollbackData);
}
