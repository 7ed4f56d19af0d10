import type { RuntimeContext } from '../runtime/runtime-context.js';
import type { StepResult } from './step-result.js';

/**
 * State shared by the steps of one run. Subclass it to carry domain fields (see the deployment
 * context); the orchestrator fills `stepResults`, `errors` and `currentStep`.
 */
export class BaseStepContext {
  public readonly runtimeCtx: RuntimeContext;
  /** Every step's result in order, skipped steps included. */
  public readonly stepResults: StepResult[] = [];
  /** Messages of errors collected during the run, rollback failures included. */
  public readonly errors: string[] = [];
  /** Name of the step running now; null between steps. */
  public currentStep: string | null = null;
  private readonly resultsByStep = new Map<string, StepResult>();
  // Made at the first rollback: most runs have none.
  private undoneSteps: Set<string> | undefined;

  public constructor(runtimeCtx: RuntimeContext) {
    this.runtimeCtx = runtimeCtx;
  }

  /**
   * Records what step `name` returned (the orchestrator does, once per step). Later steps read
   * it with {@link resultOf}: that is how a step hands its output on.
   */
  public recordResult(name: string, result: StepResult): void {
    this.stepResults.push(result);
    this.resultsByStep.set(name, result);
    this.undoneSteps?.delete(name);
  }

  /**
   * The result of the step named `name` in this run (its last attempt; skipped steps too), or
   * undefined when it has not finished yet. This is how a step reads what an earlier one produced.
   */
  public resultOf(name: string): StepResult | undefined {
    return this.resultsByStep.get(name);
  }

  /** Records that step `name` was rolled back (the orchestrator does). */
  public recordRollback(name: string): void {
    (this.undoneSteps ??= new Set()).add(name);
  }

  /** True when step `name` was rolled back in this run. */
  public wasRolledBack(name: string): boolean {
    return this.undoneSteps?.has(name) === true;
  }

  /** The run's cancellation signal. */
  public get signal(): AbortSignal {
    return this.runtimeCtx.signal;
  }

  /** Records a structured event through the runtime context. */
  public log(event: string, data: Record<string, unknown> = {}): void {
    this.runtimeCtx.log(event, data);
  }

  /** Reports progress; the category defaults to the current step's name. */
  public setProgress(current: number, total: number, category?: string): void {
    this.runtimeCtx.setProgress(current, total, category ?? this.currentStep ?? undefined);
  }

  /** Records metrics; the category defaults to the current step's name. */
  public setMetrics(value: Record<string, unknown>, category?: string): void {
    const resolved = category ?? this.currentStep;
    if (resolved === null) {
      throw new Error(
        'setMetrics: category must be provided when not executing within a step (currentStep is null)',
      );
    }
    this.runtimeCtx.setMetrics(value, resolved);
  }
}
