import { isTransientError, ServerError } from '@synapse-sdk/clients';
import { errorMessage } from '@synapse-sdk/core';

import type { DeploymentContext } from '../deployment-context.js';
import { StepsError } from '../errors.js';
import { registrationTarget } from '../rules/deploy-rules.js';
import type { ClusterInfo } from './cluster-info.js';
import { connectToRay } from './connect-to-ray.js';

/**
 * What the initialize step checks, also run by the deploy step of a pipeline without it:
 * connects to the dashboard and, when the run has a job id, checks what registration will use —
 * the backend (and the agent, when one is configured) and the release id — so that a wrong URL,
 * token or id stops the run before the deploy rather than after it.
 */
export async function initializeCluster(
  context: DeploymentContext,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<ClusterInfo> {
  const { signal } = options;
  const info = await connectToRay(context.rayClient, {
    timeoutMs: options.timeoutMs,
    signal,
    clock: context.runtimeCtx.clock,
  });
  context.log('ray_connected', { ...info });
  const { jobId, serveAppName } = context.spec;
  if (jobId) {
    const { client, agentClient } = context.runtimeCtx;
    const { backend } = registrationTarget(jobId, client, context.spec.pluginReleaseId);
    try {
      await backend.listServeApplicationsPage({ name: serveAppName, page_size: 1 }, { signal });
    } catch (error) {
      // Its client already retried; a backend still down now would fail the registration
      // after the deploy, so the run stops here, before anything changed.
      // (A refused connection already says so, as HTTP_CONNECTION.)
      if (!(error instanceof ServerError) || !isTransientError(error)) throw error;
      throw new StepsError(
        'BACKEND_UNREACHABLE',
        `Cannot reach the Synapse backend at ${backend.baseUrl}: ${errorMessage(error)}`,
        {
          cause: error,
          hint: 'check that the backend is up, or point SYNAPSE_HOST (--host) at it; nothing was deployed',
        },
      );
    }
    await agentClient?.healthCheck({ signal });
    context.log('backend_checked', { backend: backend.baseUrl });
  }
  return info;
}
