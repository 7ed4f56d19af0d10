import {
  BaseStep,
  ContextMissingError,
  SynapseError,
  stepSuccess,
  type StepAttempt,
  type StepResult,
} from '@synapse-sdk/core';

import type { DeploymentContext } from '../deployment-context.js';

/**
 * Registers the running app with the Synapse backend (`POST serve_applications/`) and stores
 * the record id in `serveAppId`. No job id means nothing to register: the step is skipped.
 *
 * Unlike the Python SDK, the payload matches the backend's schema, and a retried or repeated run
 * reuses the record of the same app and plugin release instead of creating another (it looks
 * it up first and sends an idempotency key).
 */
export class RegisterStep extends BaseStep<DeploymentContext> {
  public readonly name = 'register';
  public readonly progressWeight = 0.2;

  public override canSkip(context: DeploymentContext): boolean {
    return !context.runtimeCtx.jobId;
  }

  public async execute(context: DeploymentContext, attempt: StepAttempt): Promise<StepResult> {
    const registration = await registerApplication(context, attempt.signal);
    return stepSuccess({ ...registration });
  }

  public override rollback(context: DeploymentContext, result: StepResult): void {
    if (result.data['created'] === true) {
      // The backend has no endpoint to delete a serve application record.
      context.runtimeCtx.logger.warn(
        `Backend record ${String(result.data['serveApplication'])} of '${context.serveAppName}' is left in place: the Synapse backend offers no way to delete it`,
      );
    }
  }
}

/** What {@link registerApplication} did. */
export interface Registration {
  serveApplication: number | string;
  created: boolean;
  status: string;
}

/** Reads the app's status and creates (or finds) its backend record. */
export async function registerApplication(
  context: DeploymentContext,
  signal: AbortSignal,
): Promise<Registration> {
  const backend = context.runtimeCtx.client;
  const agent = context.runtimeCtx.agentClient;
  const jobId = context.runtimeCtx.jobId;
  const name = context.serveAppName;
  if (!backend) {
    throw new ContextMissingError('Cannot register the application: no Synapse backend client', {
      hint: 'set SYNAPSE_HOST (or SYNAPSE_PLUGIN_RUN_HOST) and SYNAPSE_ACCESS_TOKEN',
    });
  }
  const release = context.pluginReleaseId;
  if (release === undefined) {
    throw new ContextMissingError(
      'Cannot register the application: the plugin release id is unknown',
      {
        hint: 'set SYNAPSE_PLUGIN_RELEASE_ID to the id of the plugin release in Synapse',
      },
    );
  }

  const status = agent
    ? String((await agent.getServeApplication(name, { signal }))['status'] ?? 'UNKNOWN')
    : ((await context.rayClient.getApplication(name, signal))?.status ?? 'absent');
  if (status !== 'RUNNING') {
    throw new SynapseError(
      'REGISTER_FAILED',
      `Not registering '${name}': it is ${status}, not RUNNING`,
    );
  }

  const existing = (await backend.listServeApplications({ name }, { signal })).find(
    (record) => record['name'] === name && Number(record['plugin_release']) === release,
  );
  let id = existing?.id;
  const created = existing === undefined;
  if (created) {
    const numReplicas = context.params['num_replicas'];
    const record = await backend.createServeApplication(
      {
        name,
        plugin_release: release,
        action: context.actionName,
        params: context.params,
        ...(typeof numReplicas === 'number' ? { num_replicas: numReplicas } : {}),
      },
      { signal, idempotencyKey: `synapse-serve:${jobId ?? ''}:${name}:${release}` },
    );
    id = record.id;
  }
  const serveApplication = typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id!;
  context.serveAppId = typeof serveApplication === 'number' ? serveApplication : null;
  context.log('app_registered', { app: name, serveApplication, created });
  return { serveApplication, created, status };
}
