import type { RayServeClient, ServeApplicationConfig } from '@synapse-sdk/clients';
import type { Logger, PluginEnvironment, RunRecorder } from '@synapse-sdk/core';
import { BaseStepContext, Orchestrator, RuntimeContext, StepRegistry } from '@synapse-sdk/core';
import { RevisionDeployStep } from '@synapse-sdk/steps';

import type { RunReporter } from '../render/run-reporter.js';

/** The command name a revision rollback is journaled under (its run meta's `command`). */
export const SERVE_ROLLBACK_COMMAND = 'serve rollback';

/** Inputs of {@link revisionRollbackSteps}. */
export interface RevisionRollbackInputs {
  ray: RayServeClient;
  env: PluginEnvironment;
  logger: Logger;
  signal: AbortSignal;
  /** The run's journal; attach it later (`context.runtimeCtx.attachJournal`) when it is taken after. */
  journal?: RunRecorder | undefined;
  /** The config to deploy; `{}` when only the rollback of a journaled run is wanted. */
  config: ServeApplicationConfig;
}

/**
 * The pipeline of `synapse serve rollback` — one {@link RevisionDeployStep} — over a context
 * journaled in `journal`: what the command runs, and what `synapse runs rollback` of such a
 * run rebuilds to undo it.
 */
export function revisionRollbackSteps(inputs: RevisionRollbackInputs): {
  context: BaseStepContext;
  registry: StepRegistry;
} {
  const runtime = RuntimeContext.create({
    env: inputs.env,
    logger: inputs.logger,
    signal: inputs.signal,
    journal: inputs.journal,
    runId: inputs.journal?.runId,
  });
  const registry = new StepRegistry(runtime.container);
  registry.register(new RevisionDeployStep(inputs.ray, inputs.config));
  return { context: new BaseStepContext(runtime), registry };
}

/** Runs the revision deploy with `reporter` showing it; rolls back on failure, as any run. */
export async function runRevisionRollback(
  pipeline: { context: BaseStepContext; registry: StepRegistry },
  reporter: RunReporter,
): Promise<void> {
  const { context, registry } = pipeline;
  reporter.attach(
    context.runtimeCtx.events,
    registry.getSteps().map((step) => step.name),
  );
  await new Orchestrator(registry, context).execute();
}
