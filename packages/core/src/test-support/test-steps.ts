import type { StepAttempt } from '../steps/base-step.js';
import { BaseStep } from '../steps/base-step.js';
import type { BaseStepContext } from '../steps/step-context.js';
import type { StepResult } from '../steps/step-result.js';
import { stepSuccess } from '../steps/step-result.js';

/** Behaviour of a {@link ScriptedStep}. */
export interface ScriptedStepOptions {
  weight?: number;
  skip?: boolean | (() => boolean);
  /** Per attempt: 'ok', 'throw', 'fail' (returns success false), or a custom function. */
  attempts?: ReadonlyArray<'ok' | 'throw' | 'fail' | ((attempt: StepAttempt) => unknown)>;
  rollbackThrows?: string;
  retry?: BaseStep['retry'];
  timeoutMs?: number;
  settlesOnAbort?: boolean;
  /** Receives the result each rollback is given. */
  onRollback?: (result: StepResult) => void;
}

/** A step whose behaviour each test scripts, and which records what happened to it in `journal`. */
export class ScriptedStep extends BaseStep {
  public override readonly retry: BaseStep['retry'];
  public override readonly timeoutMs: number | undefined;
  public override readonly settlesOnAbort: boolean | undefined;
  public readonly progressWeight: number;
  public executions = 0;

  public constructor(
    public readonly name: string,
    private readonly journal: string[],
    private readonly options: ScriptedStepOptions = {},
  ) {
    super();
    this.progressWeight = options.weight ?? 1;
    this.retry = options.retry;
    this.timeoutMs = options.timeoutMs;
    this.settlesOnAbort = options.settlesOnAbort;
  }

  public override canSkip(): boolean {
    const skip = this.options.skip;
    return typeof skip === 'function' ? skip() : (skip ?? false);
  }

  public execute(
    _context: BaseStepContext,
    attempt: StepAttempt,
  ): Promise<StepResult> | StepResult {
    this.executions++;
    this.journal.push(`execute:${this.name}:${attempt.number}`);
    const script = this.options.attempts?.[attempt.number - 1] ?? 'ok';
    if (typeof script === 'function') return script(attempt) as StepResult;
    if (script === 'throw') throw new Error(`${this.name} exploded`);
    if (script === 'fail') {
      return {
        ...stepSuccess({}, { partial: this.name }),
        success: false,
        error: `${this.name} said no`,
      };
    }
    return stepSuccess({ by: this.name }, { undo: this.name });
  }

  public override rollback(_context: BaseStepContext, result: StepResult): void {
    this.journal.push(`rollback:${this.name}:${result.success ? 'ok' : 'failed'}`);
    this.options.onRollback?.(result);
    if (this.options.rollbackThrows) throw new Error(this.options.rollbackThrows);
  }
}
