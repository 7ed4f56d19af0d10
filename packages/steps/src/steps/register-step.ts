import type { BackendClient } from '@synapse-sdk/clients';
import {
  BaseStep,
  ConfigError,
  ContextMissingError,
  stepSuccess,
  type StepAttempt,
  type StepResult,
} from '@synapse-sdk/core';

import type { DeploymentContext } from '../deployment-context.js';
import { StepsError } from '../errors.js';

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

/** Where a registration goes: the job, the backend, the plugin release. */
export interface RegistrationTarget {
  jobId: string;
  backend: BackendClient;
  release: number;
}

/**
 * What registering for `jobId` needs from the context, or an error saying what to set. Used
 * before the deploy (by the initialize checks) and at registration time.
 */
export function registrationTarget(context: DeploymentContext, jobId: string): RegistrationTarget {
  const backend = context.runtimeCtx.client;
  if (!backend) {
    throw new ContextMissingError(
      `Cannot register the application of job ${jobId}: no Synapse backend is configured`,
      {
        hint: 'set SYNAPSE_HOST (--host) and SYNAPSE_ACCESS_TOKEN (--token), or run without a job id',
      },
    );
  }
  const release = context.pluginReleaseId;
  if (release === undefined) {
    throw new ConfigError(
      'environment variable SYNAPSE_PLUGIN_RELEASE_ID',
      `is required to register the application of job ${jobId}; set it to the plugin release's id in Synapse, or run without a job id`,
    );
  }
  return { jobId, backend, release };
}

/** Reads the app's status and creates (or finds) its backend record. */
export async function registerApplication(
  context: DeploymentContext,
  signal: AbortSignal,
): Promise<Registration> {
  const agent = context.runtimeCtx.agentClient;
  const name = context.serveAppName;
  const { jobId, backend, release } = registrationTarget(context, context.runtimeCtx.jobId ?? '');

  const status = agent
    ? String((await agent.getServeApplication(name, { signal }))['status'] ?? 'UNKNOWN')
    : ((await context.rayClient.getApplication(name, signal))?.status ?? 'absent');
  if (status !== 'RUNNING') {
    throw new StepsError(
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
      { signal, idempotencyKey: `synapse-serve:${jobId}:${name}:${release}` },
    );
    id = record.id;
  }
  const serveApplication = typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id!;
  context.serveAppId = typeof serveApplication === 'number' ? serveApplication : null;
  context.log('app_registered', { app: name, serveApplication, created });
  return { serveApplication, created, status };
}
