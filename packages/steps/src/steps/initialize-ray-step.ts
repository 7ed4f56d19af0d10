import { ClientConnectionError, ClientTimeoutError, NotFoundError } from '@synapse-sdk/clients';
import {
  BaseStep,
  stepSuccess,
  systemClock,
  type StepAttempt,
  type StepResult,
} from '@synapse-sdk/core';

import { compareVersions } from '../deploy/compare-versions.js';
import type { ClusterInfo, DeploymentContext } from '../deployment-context.js';
import { StepsError } from '../errors.js';
import { registrationTarget } from './register-step.js';

/** Oldest Ray whose dashboard port serves the multi-app Serve REST API we use. */
export const MIN_RAY_VERSION = '2.8.0';

/** Options of {@link InitializeRayStep}. */
export interface InitializeRayStepOptions {
  /** How long to keep retrying an unreachable dashboard. @default 15000 */
  connectTimeoutMs?: number;
}

/**
 * Connects to the Ray dashboard and checks it before anything changes: reachable, a Ray recent
 * enough for what we send, and accepting our credentials. Records {@link ClusterInfo} on the
 * context; skipped when already connected; nothing to roll back.
 */
export class InitializeRayStep extends BaseStep<DeploymentContext> {
  public readonly name = 'initialize';
  public readonly progressWeight = 0.1;
  private readonly connectTimeoutMs: number;

  public constructor(options: InitializeRayStepOptions = {}) {
    super();
    this.connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
  }

  public override canSkip(context: DeploymentContext): boolean {
    return context.clusterInfo !== undefined;
  }

  public async execute(context: DeploymentContext, attempt: StepAttempt): Promise<StepResult> {
    const info = await initializeCluster(context, this.connectTimeoutMs, attempt.signal);
    return stepSuccess({ ...info });
  }
}

/**
 * Connects to the dashboard and, when the run has a job id, checks what registration will use —
 * the backend (and the agent, when one is configured) and the release id — so that a wrong URL,
 * token or id stops the run before the deploy rather than after it. Records the cluster info on
 * the context; does nothing when it is already there.
 */
export async function initializeCluster(
  context: DeploymentContext,
  connectTimeoutMs: number,
  signal: AbortSignal,
): Promise<ClusterInfo> {
  if (context.clusterInfo) return context.clusterInfo;
  const info = await connectToRay(context, connectTimeoutMs, signal);
  context.log('ray_connected', { ...info });
  const jobId = context.runtimeCtx.jobId;
  if (jobId) {
    const { backend } = registrationTarget(context, jobId);
    await backend.listServeApplicationsPage(
      { name: context.serveAppName, page_size: 1 },
      { signal },
    );
    await context.runtimeCtx.agentClient?.healthCheck({ signal });
    context.log('backend_checked', { backend: backend.baseUrl });
  }
  context.clusterInfo = info;
  return info;
}

/** Probes the dashboard, retrying connection errors for up to `connectTimeoutMs`. */
export async function connectToRay(
  context: DeploymentContext,
  connectTimeoutMs: number,
  signal: AbortSignal,
): Promise<ClusterInfo> {
  const client = context.rayClient;
  const deadline = Date.now() + connectTimeoutMs;
  let version;
  for (let delay = 250; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      version = await client.getVersion(signal);
      break;
    } catch (error) {
      const unreachable =
        error instanceof ClientConnectionError || error instanceof ClientTimeoutError;
      if (!unreachable || Date.now() + delay > deadline) {
        if (unreachable) {
          throw new StepsError(
            'RAY_UNREACHABLE',
            `Cannot reach the Ray dashboard at ${client.address} (tried for ${Math.round(connectTimeoutMs / 1000)} s): ${error.reason}`,
            {
              cause: error,
              hint: 'start the cluster, or point RAY_DASHBOARD_ADDRESS (--ray-address) at its dashboard, e.g. http://head-node:8265',
            },
          );
        }
        if (error instanceof NotFoundError) {
          throw new StepsError(
            'NOT_A_RAY_DASHBOARD',
            `${client.address} does not look like a Ray dashboard: /api/version answered 404`,
            {
              cause: error,
              hint: 'set RAY_DASHBOARD_ADDRESS to the dashboard address (port 8265 by default), not the Serve port',
            },
          );
        }
        throw error;
      }
      await systemClock.sleep(delay, signal);
    }
  }
  if (compareVersions(version.ray_version, MIN_RAY_VERSION) < 0) {
    throw new StepsError(
      'RAY_TOO_OLD',
      `Ray ${version.ray_version} at ${client.address} is too old: synapse-sdk needs Ray >= ${MIN_RAY_VERSION} (the Serve REST API on the dashboard port)`,
      { hint: 'upgrade the cluster' },
    );
  }
  const authMode = await client.getAuthMode(signal).catch((error: unknown) => {
    if (error instanceof NotFoundError) return 'disabled'; // Ray before token auth
    throw error;
  });
  // Reading the applications proves the credentials work before any change is attempted.
  await client.getApplications(signal);
  return {
    address: client.address,
    rayVersion: version.ray_version,
    ...(version.session_name ? { sessionName: version.session_name } : {}),
    authMode,
  };
}
