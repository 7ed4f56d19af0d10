import { ownerLiveness } from './process-alive.js';
import type { RunState, StepState } from './run-state.js';

/** What resuming a run would do with each of its steps. */
export interface ResumePlan {
  /**
   * Each step: `reuse` its journaled result without running it, or `run` it (again). Steps are
   * reused as a prefix only: once one runs, the later ones run too, since their inputs may change.
   */
  steps: { name: string; action: 'reuse' | 'run'; reason: string }[];
  /** Why the run cannot be resumed, when it cannot; `steps` then says what it would have done. */
  refusal?: string | undefined;
}

/**
 * Decides how a run would resume. A step that succeeded and was not rolled back is reused (its
 * result and rollback data come from the journal); one that was rolled back, failed, was
 * skipped or never ran runs again; one that was interrupted runs again only when it declares
 * itself resumable. A run that succeeded, is still held by a live process, or whose rollback
 * is unfinished or failed, is refused.
 */
export function planResume(run: RunState): ResumePlan {
  const steps: ResumePlan['steps'] = [];
  let reusing = true;
  let refusal: string | undefined;
  for (const step of run.steps) {
    const reuse = reusing && step.status === 'succeeded';
    if (!reuse) reusing = false;
    steps.push({
      name: step.name,
      action: reuse ? 'reuse' : 'run',
      reason: reasonFor(step, reuse),
    });
    if (refusal === undefined) refusal = stepRefusal(step);
  }
  refusal = runRefusal(run) ?? refusal;
  return refusal === undefined ? { steps } : { steps, refusal };
}

function reasonFor(step: StepState, reuse: boolean): string {
  if (reuse)
    return step.reused
      ? 'reused before, result from the journal'
      : 'succeeded, result from the journal';
  switch (step.status) {
    case 'succeeded':
      return 'succeeded, but an earlier step runs again';
    case 'started':
      return step.resumable ? 'interrupted; resumable, so it runs again' : 'interrupted';
    case 'rolled-back':
      return 'rolled back, so it runs again';
    case 'failed':
      return 'failed, so it runs again';
    case 'skipped':
      return 'skipped; asked again whether to skip';
    default:
      return 'not run yet';
  }
}

function stepRefusal(step: StepState): string | undefined {
  if (step.status === 'started' && !step.resumable) {
    return `step '${step.name}' was interrupted and does not declare itself resumable (it may have done part of its work); roll the run back instead`;
  }
  if (step.status === 'rolling-back') {
    return `the rollback of step '${step.name}' was interrupted; finish it with 'synapse runs rollback' first`;
  }
  if (step.status === 'rollback-failed') {
    return `the rollback of step '${step.name}' failed; finish it with 'synapse runs rollback' first`;
  }
  return undefined;
}

function runRefusal(run: RunState): string | undefined {
  if (run.owner && ownerLiveness(run.owner) !== 'dead') {
    return `the run is held by process ${run.owner.pid} on ${run.owner.host}`;
  }
  if (run.status === 'succeeded') return 'the run succeeded: there is nothing to resume';
  return undefined;
}
