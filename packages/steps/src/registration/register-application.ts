import type { DeploymentContext } from '../deployment-context.js';
import { StepsError } from '../errors.js';
import { registrationTarget } from '../rules/deploy-rules.js';

/** What registering did: the register step's result data. */
export interface Registration {
  serveApplication: number | string;
  created: boolean;
  status: string;
}

/**
 * Reads the application's status (through the agent when one is configured, else the
 * dashboard) and creates its backend record for the run's job, or finds the one a previous run
 * of the same release created.
 */
export async function registerApplication(
  context: DeploymentContext,
  signal: AbortSignal,
): Promise<Registration> {
  const { spec, rayClient } = context;
  const { agentClient, client } = context.runtimeCtx;
  const name = spec.serveAppName;
  const { jobId, backend, release } = registrationTarget(
    spec.jobId ?? '',
    client,
    spec.pluginReleaseId,
  );

  const status = agentClient
    ? String((await agentClient.getServeApplication(name, { signal }))['status'] ?? 'UNKNOWN')
    : ((await rayClient.getApplication(name, signal))?.status ?? 'absent');
  if (status !== 'RUNNING') {
    throw new StepsError(
      'REGISTER_FAILED',
      `Not registering '${name}': it is ${status}, not RUNNING`,
    );
  }

  const existing = (await backend.listServeApplications({ name }, { signal })).find(
    (record) => record['name'] === name && Number(record['plugin_release']) === release,
  );
  const record =
    existing ??
    (await backend.createServeApplication(
      {
        name,
        plugin_release: release,
        action: spec.actionName,
        params: { ...spec.params },
        num_replicas: spec.numReplicas,
      },
      { signal, idempotencyKey: `synapse-serve:${jobId}:${name}:${release}` },
    ));
  const id = record.id;
  const serveApplication = typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id;
  context.log('app_registered', { app: name, serveApplication, created: existing === undefined });
  return { serveApplication, created: existing === undefined, status };
}
