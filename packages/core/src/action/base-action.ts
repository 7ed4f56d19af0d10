import type { z } from 'zod';

import { ConfigError } from '../errors/errors.js';
import { SynapseError } from '../errors/synapse-error.js';
import type { RollbackRunReport } from '../journal/rollback-run.js';
import { rollbackRun, rollbackTargets } from '../journal/rollback-run.js';
import type { RunState } from '../journal/run-state.js';
import type { Logger } from '../logging/logger.js';
import type { RuntimeContext } from '../runtime/runtime-context.js';
import { errorMessage } from '../steps/error-message.js';
import type { OrchestratorResult } from '../steps/orchestrator.js';
import { Orchestrator } from '../steps/orchestrator.js';
import { BaseStepContext } from '../steps/step-context.js';
import { StepRegistry } from '../steps/step-registry.js';
import { validateParams } from './validate-params.js';

/** The static side of an action class, as loaders and the CLI see it. */
export interface ActionClass<A extends BaseAction = BaseAction> {
  new (params: unknown, ctx: RuntimeContext): A;
  readonly paramsSchema?: z.ZodType | undefined;
  readonly actionName?: string | undefined;
  readonly category?: string | undefined;
}

/**
 * Base class of plugin actions. Set `static paramsSchema` to a zod schema; the constructor
 * validates params against it and throws {@link ParamsValidationError} naming every bad field,
 * before anything runs.
 *
 * Two modes, chosen by {@link BaseAction.run}: when {@link BaseAction.setupSteps} registers at
 * least one step, the steps run through an {@link Orchestrator}; otherwise `execute()` runs.
 *
 * @example
 * ```ts
 * const Params = z.object({ name: z.string() });
 * class Greet extends BaseAction<typeof Params> {
 *   static override paramsSchema = Params;
 *   override async execute() { return { greeting: `hello ${this.params.name}` }; }
 * }
 * ```
 */
export class BaseAction<
  S extends z.ZodType = z.ZodType,
  C extends BaseStepContext = BaseStepContext,
> {
  /** Schema of the params; without one, params pass through unvalidated. */
  public static readonly paramsSchema?: z.ZodType | undefined;
  /** The action's name in config.yaml; filled by the plugin loader when unset. */
  public static readonly actionName?: string | undefined;
  /** The plugin category; filled by the plugin loader when unset. */
  public static readonly category?: string | undefined;

  /** The validated params. */
  public readonly params: z.output<S>;
  public readonly ctx: RuntimeContext;

  public constructor(params: unknown, ctx: RuntimeContext) {
    const schema = (this.constructor as ActionClass).paramsSchema as S | undefined;
    if (
      schema !== undefined &&
      typeof (schema as { safeParse?: unknown }).safeParse !== 'function'
    ) {
      throw new ConfigError(
        `${this.constructor.name}.paramsSchema`,
        `is not a zod schema (got ${schema === null ? 'null' : typeof schema}); set it to one, e.g. z.object({ num_cpus: z.number() })`,
      );
    }
    this.params = validateParams(schema, params);
    this.ctx = ctx;
  }

  /** The run's logger. */
  public get logger(): Logger {
    return this.ctx.logger;
  }

  /** Simple mode: the action's logic. Not called when `setupSteps` registered steps. */
  public execute(): unknown {
    throw new Error(
      `${this.constructor.name} has nothing to run: override execute() or register steps in setupSteps()`,
    );
  }

  /** Step mode: register steps here. Registering any step makes `run()` use them. */
  public setupSteps(_registry: StepRegistry<C>): void {
    return undefined;
  }

  /** Builds the context shared by the steps. Override to return a richer context. */
  public createContext(): C {
    return new BaseStepContext(this.ctx) as C;
  }

  /**
   * Calls {@link BaseAction.setupSteps} on `registry`; plugin code that throws there is reported
   * as a mistake in the plugin, naming `setupSteps`, before any step ran.
   * @throws ConfigError naming `<Action>.setupSteps` and what it threw
   */
  public registerSteps(registry: StepRegistry<C>): StepRegistry<C> {
    try {
      this.setupSteps(registry);
    } catch (error) {
      // An SDK error (a missing binding, a registry misuse) already says what to do.
      if (SynapseError.is(error)) throw error;
      throw new ConfigError(
        `${this.constructor.name}.setupSteps`,
        `threw before any step ran: ${errorMessage(error)}; fix the action's setupSteps`,
        [],
        { cause: error },
      );
    }
    return registry;
  }

  /** Runs the steps when any are registered, else `execute()`. */
  public async run(): Promise<unknown> {
    const registry = this.registerSteps(new StepRegistry<C>(this.ctx.container));
    if (registry.size === 0) return await this.execute();
    const context = this.createContext();
    return await this.runSteps(registry, context);
  }

  /** Runs `registry` over `context`, reporting progress through {@link BaseAction.setProgress}. */
  protected async runSteps(registry: StepRegistry<C>, context: C): Promise<OrchestratorResult> {
    const orchestrator = new Orchestrator(registry, context, {
      onProgress: (current, total) => this.setProgress(current, total),
    });
    return await orchestrator.execute();
  }

  /**
   * Rolls back a journaled run of this action from another process (`synapse runs rollback`):
   * builds the steps and the context as a run would, then undoes every step that ran and was
   * not rolled back, newest first, with what the journal holds (see {@link rollbackRun}). The
   * rollbacks are recorded in the context's journal, when it has one.
   */
  public async rollbackJournaledRun(run: RunState): Promise<RollbackRunReport> {
    const registry = new StepRegistry<C>(this.ctx.container);
    this.setupSteps(registry);
    return await rollbackRun(registry.getSteps(), this.createContext(), run, this.ctx.journal);
  }

  /** The steps {@link BaseAction.rollbackJournaledRun} would undo, newest first. */
  public journaledRunRollbackTargets(run: RunState): string[] {
    const registry = new StepRegistry<C>(this.ctx.container);
    this.setupSteps(registry);
    return rollbackTargets(registry.getSteps(), run);
  }

  /** Reports progress as `current` out of `total`, optionally for one category. */
  public setProgress(current: number, total: number, category?: string): void {
    this.ctx.setProgress(current, total, category);
  }

  /** Records metrics for a category. */
  public setMetrics(value: Record<string, unknown>, category: string): void {
    this.ctx.setMetrics(value, category);
  }

  /** Records a structured event. */
  public log(event: string, data: Record<string, unknown> = {}): void {
    this.ctx.log(event, data);
  }
}
