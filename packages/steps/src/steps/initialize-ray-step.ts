import type { StepAttempt, StepResult } from '@synapse-sdk/core';
import { BaseStep, stepSuccess } from '@synapse-sdk/core';

import { initializeCluster } from '../cluster/initialize-cluster.js';
import { CONNECT_TIMEOUT_MS } from '../defaults.js';
import type { DeploymentContext } from '../deployment-context.js';
import { DeploymentProgressCategories } from '../deployment-progress.js';

/** Options of {@link InitializeRayStep}. */
export interface InitializeRayStepOptions {
  /** How long to keep retrying an unreachable dashboard. @default {@link CONNECT_TIMEOUT_MS} */
  connectTimeoutMs?: number | undefined;
}

/**
 * Connects to the Ray dashboard and checks it before anything changes: reachable, a Ray recent
 * enough for what we send, and accepting our credentials; with a job id, the backend and the
 * release id registration will need. Its result data is the {@link ClusterInfo}; skipped when
 * the run already has one; nothing to roll back.
 */
export class InitializeRayStep extends BaseStep<DeploymentContext> {
  public readonly name = DeploymentProgressCategories.INITIALIZE;
  public readonly progressWeight = 0.1;
  /** It only reads: run again after its process died, it checks again. */
  public override readonly resumable = true;
  private readonly connectTimeoutMs: number;

  public constructor(options: InitializeRayStepOptions = {}) {
    super();
    this.connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  }

  public override canSkip(context: DeploymentContext): boolean {
    return context.clusterInfo !== undefined;
  }

  public async execute(context: DeploymentContext, attempt: StepAttempt): Promise<StepResult> {
    const info = await initializeCluster(context, {
      timeoutMs: this.connectTimeoutMs,
      signal: attempt.signal,
    });
    return stepSuccess({ ...info });
  }
}
