import type { StepRegistry } from '@synapse-sdk/core';
import { SynapseError } from '@synapse-sdk/core';
import type { DeploymentContext, RayJobResultData } from '@synapse-sdk/steps';
import {
  BaseDeploymentAction,
  DeployStep,
  InitializeRayStep,
  RayJobStep,
  RegisterStep,
} from '@synapse-sdk/steps';
import { z } from 'zod';

import { PredictSmokeTestStep } from '../steps/predict-smoke-test-step.js';

/** Params: how long training runs, where the model goes, the replica's CPUs, the Serve proxy. */
export const TrainAndDeployParams = z.object({
  epochs: z.number().int().min(1).max(1_000).default(5),
  seconds_per_epoch: z.number().min(0).max(60).default(0.5),
  /** Must be readable by the serve replicas: a local path works on a one-node cluster. */
  artifact_dir: z
    .string()
    .regex(/^\/[\w./-]+$/, 'an absolute path of letters, digits, "_", ".", "/" and "-"')
    .default('/tmp/synapse-artifacts'),
  num_cpus: z.number().positive().default(0.1),
  serve_url: z.url().optional(),
});

/**
 * initialize → **train** (a Ray job on the cluster) → deploy (the serve class, handed the model
 * the job wrote through its user_config) → smoke-test (one prediction) → register.
 */
export class TrainAndDeployAction extends BaseDeploymentAction<typeof TrainAndDeployParams> {
  static override paramsSchema = TrainAndDeployParams;
  static override entrypoint = 'serve_app:LinearModel';

  override setupSteps(registry: StepRegistry<DeploymentContext>): void {
    const { epochs, seconds_per_epoch: secondsPerEpoch, artifact_dir: artifactDir } = this.params;
    registry.register(new InitializeRayStep());
    registry.register(
      new RayJobStep({
        name: 'train',
        // One directory per run, so a re-run never serves another run's model.
        entrypoint: (context) =>
          `python train.py --output ${artifactDir}/${context.runtimeCtx.runId} --epochs ${epochs} --seconds-per-epoch ${secondsPerEpoch}`,
        waitTimeoutMs: 30 * 60_000,
      }),
    );
    registry.register(
      new DeployStep({
        waitTimeoutMs: 5 * 60_000,
        userConfig: (context) => {
          const train = context.resultOf('train')?.data as RayJobResultData | undefined;
          const modelPath = train?.result?.['model_path'];
          if (typeof modelPath !== 'string') {
            throw new SynapseError(
              'JOB_FAILED',
              `the train job (${train?.submissionId ?? '?'}) reported no model_path in its result block`,
              { hint: 'train.py prints it last; see the job output above' },
            );
          }
          return { model_path: modelPath };
        },
      }),
    );
    registry.register(
      new PredictSmokeTestStep(
        this.params.serve_url ?? this.ctx.env.getStr('RAY_SERVE_URL', 'http://127.0.0.1:8000'),
      ),
    );
    registry.register(new RegisterStep());
  }
}
