import type { StepRegistry } from '@synapse-sdk/core';
import type { DeploymentContext } from '@synapse-sdk/steps';
import {
  BaseDeploymentAction,
  DeployStep,
  InitializeRayStep,
  RegisterStep,
} from '@synapse-sdk/steps';
import { z } from 'zod';

/** Params of the deployment: resources per replica and the model to serve. */
export const DeployParams = z.object({
  num_cpus: z.number().positive().default(1),
  num_gpus: z.number().min(0).default(0),
  model_id: z.number().int().positive().optional(),
});

/**
 * Step mode: the orchestrator runs initialize → deploy → register, with progress per step, and
 * rolls back in reverse when one fails (the previous version of the app is put back).
 */
export class DeployAction extends BaseDeploymentAction<typeof DeployParams> {
  static override paramsSchema = DeployParams;
  static override entrypoint = 'serve_app:SentimentModel';

  override setupSteps(registry: StepRegistry<DeploymentContext>): void {
    registry.register(new InitializeRayStep());
    registry.register(new DeployStep());
    registry.register(new RegisterStep());
  }
}
