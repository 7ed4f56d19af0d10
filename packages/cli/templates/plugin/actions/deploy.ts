import type { StepRegistry } from '@synapse-sdk/core';
import type { DeploymentContext } from '@synapse-sdk/steps';
import {
  BaseDeploymentAction,
  DeployStep,
  InitializeRayStep,
  RegisterStep,
} from '@synapse-sdk/steps';
import { z } from 'zod';

/** Params of `synapse plugin run deployment --params '{…}'`, checked before anything is sent. */
export const DeployParams = z.object({
  num_cpus: z.number().positive().default(1),
  num_gpus: z.number().min(0).default(0),
});

/**
 * Step mode: initialize (connect, check the Ray version and the credentials), deploy (package
 * this directory, merge the app into the cluster's Serve config, wait until RUNNING), register
 * (a Synapse record, only with a job id). When a step fails, what ran is rolled back: the
 * previous version of the app is put back, or the new app removed.
 */
export class DeployAction extends BaseDeploymentAction<typeof DeployParams> {
  static override paramsSchema = DeployParams;
  /** The Python class Ray Serve runs: `module:Class` in this directory. */
  static override entrypoint = 'serve_app:Model';

  override setupSteps(registry: StepRegistry<DeploymentContext>): void {
    registry.register(new InitializeRayStep());
    registry.register(new DeployStep());
    registry.register(new RegisterStep());
  }
}
