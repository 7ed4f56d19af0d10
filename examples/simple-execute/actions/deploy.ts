import { BaseDeploymentAction } from '@synapse-sdk/steps';
import { z } from 'zod';

/** Params of the deployment: resources per replica and the model to serve. */
export const DeployParams = z.object({
  num_cpus: z.number().positive().default(1),
  num_gpus: z.number().min(0).default(0),
  model_id: z.number().int().positive().optional(),
});

/**
 * Simple mode: `execute()` runs the three phases itself and reports progress per phase.
 * A failure in `deploy()` restores the previous version of the app before it is thrown.
 */
export class DeployAction extends BaseDeploymentAction<typeof DeployParams> {
  static override paramsSchema = DeployParams;
  static override entrypoint = 'serve_app:ImageClassifier';

  override async execute(): Promise<Record<string, unknown>> {
    const cluster = await this.rayInit();
    this.setProgress(1, 3, this.progress.INITIALIZE);

    await this.deploy();
    this.setProgress(2, 3, this.progress.DEPLOY);

    const serveApplication = await this.registerServeApplication();
    this.setProgress(3, 3, this.progress.REGISTER);

    return {
      app: this.getServeAppName(),
      routePrefix: this.getRoutePrefix(),
      rayVersion: cluster.rayVersion,
      serveApplication,
    };
  }
}
