import type { DeploymentContext } from '../deployment-context.js';
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
    await backend.listServeApplicationsPage({ name: serveAppName, page_size: 1 }, { signal });
    await agentClient?.healthCheck({ signal });
    context.log('backend_checked', { backend: backend.baseUrl });
  }
  return info;
}
