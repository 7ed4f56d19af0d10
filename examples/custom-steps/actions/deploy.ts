import type { StepRegistry } from '@synapse-sdk/core';
import type { DeploymentContext } from '@synapse-sdk/steps';
import {
  BaseDeploymentAction,
  DeployStep,
  InitializeRayStep,
  RegisterStep,
} from '@synapse-sdk/steps';
import { z } from 'zod';

import { SmokeTestStep } from '../steps/smoke-test-step.js';

/** Params: resources per replica, the model, and where the Serve HTTP proxy listens. */
export const DeployParams = z.object({
  num_cpus: z.number().positive().default(1),
  num_gpus: z.number().min(0).default(0),
  model_id: z.number().int().positive().optional(),
  serve_url: z.url().optional(),
});

/**
 * The standard three steps plus a smoke test inserted right after `deploy`: the new version is
 * only registered once its route answers; otherwise the deploy is rolled back.
 */
export class DeployAction extends BaseDeploymentAction<typeof DeployParams> {
  static override paramsSchema = DeployParams;
  static override entrypoint = 'serve_app:ObjectDetector';

  override setupSteps(registry: StepRegistry<DeploymentContext>): void {
    registry.register(new InitializeRayStep());
    registry.register(new DeployStep());
    registry.register(new RegisterStep());
    registry.insertAfter(
      'deploy',
      new SmokeTestStep({
        serveUrl:
          this.params.serve_url ?? this.ctx.env.getStr('RAY_SERVE_URL', 'http://127.0.0.1:8000'),
        payload: { image: [[0, 0, 0]], threshold: 0.5 },
      }),
    );
  }
}
