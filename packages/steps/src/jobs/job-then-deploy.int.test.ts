import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from '@jest/globals';
import type { StepRegistry } from '@synapse-sdk/core';

import { BaseDeploymentAction } from '../action/base-deployment-action.js';
import type { DeploymentContext } from '../deployment-context.js';
import { DeployStep } from '../steps/deploy-step.js';
import { InitializeRayStep } from '../steps/initialize-ray-step.js';
import { FAST_TIMINGS, runtimeFor, useDeployFixture } from '../test-support/deploy-harness.js';
import { RESULT_END, RESULT_START } from './job-output.js';
import type { RayJobResultData } from './ray-job-step.js';
import { RayJobStep } from './ray-job-step.js';

// Real time: the job's log tail is a WebSocket the devserver writes to as its clock moves, and
// nothing sleeps while the step listens, so a clock that moves with the SDK's sleeps would stand still.
const fixture = useDeployFixture({
  realTime: true,
  timings: { ...FAST_TIMINGS, jobStartTimeMs: 20, jobRunTimeMs: 40, jobLineIntervalMs: 5 },
});
const APP = 'test-model@1.0.0';

/** Trains on the cluster, then deploys the serve class with the model the job wrote. */
class TrainThenDeploy extends BaseDeploymentAction {
  public static override readonly entrypoint = 'serve_app:Model';
  public override setupSteps(registry: StepRegistry<DeploymentContext>): void {
    registry.register(new RayJobStep({ name: 'train', entrypoint: 'python train.py' }));
    registry.register(new InitializeRayStep());
    registry.register(
      new DeployStep({
        pollIntervalMs: 10,
        userConfig: (context) => {
          const data = context.resultOf('train')?.data as RayJobResultData | undefined;
          return { model_path: data?.result?.['model_path'] };
        },
      }),
    );
  }
}

describe('a Ray job step before the deploy', () => {
  it('hands the path the job printed to the deployment, from one uploaded package', async () => {
    const { dev } = fixture.cluster;
    dev.control.scriptJobOutput({
      entrypoint: 'train.py',
      lines: [RESULT_START, '{"model_path": "/artifacts/run-1/model.json"}', RESULT_END],
    });
    await writeFile(join(fixture.plugin.dir, 'train.py'), 'print("training")\n');
    const result = await new TrainThenDeploy({}, runtimeFor(fixture.env)).run();
    const app = await fixture.cluster.ray.getApplication(APP);
    const job = dev.control.jobs()[0];
    expect([
      result,
      app?.status,
      app?.deployed_app_config?.['deployments'],
      dev.control.packageNames().length,
      (job?.['runtime_env'] as Record<string, unknown>)['working_dir'],
    ]).toEqual([
      { success: true, stepsExecuted: 3, stepsTotal: 3, deployed: true },
      'RUNNING',
      [{ name: 'Model', user_config: { model_path: '/artifacts/run-1/model.json' } }],
      1,
      (app?.deployed_app_config?.['runtime_env'] as Record<string, unknown>)['working_dir'],
    ]);
  });
});
