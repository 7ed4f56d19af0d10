import type { BackendServeApplication } from '@synapse-sdk/clients';
import { isTransientError } from '@synapse-sdk/clients';
import { CancelledError, done, retryLoop, tryAgain } from '@synapse-sdk/core';

import { REGISTER_ATTEMPTS, REGISTER_BACKOFF } from '../defaults.js';
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

  const find = async (): Promise<BackendServeApplication | undefined> =>
    (await backend.listServeApplications({ name }, { signal })).find(
      (record) => record['name'] === name && Number(record['plugin_release']) === release,
    );
  const existing = await find();
  let created = existing === undefined;
  let lastError: unknown;
  // The backend is not known to honour Idempotency-Key: each POST is sent once, and after one
  // that failed in transit (its answer lost, too slow, a 503 from a proxy that forwarded it)
  // the record is looked up before another is sent, so a run creates at most one.
  const record =
    existing ??
    (await retryLoop(
      async () => {
        try {
          return done(
            await backend.createServeApplication(
              {
                name,
                plugin_release: release,
                action: spec.actionName,
                params: { ...spec.params },
                num_replicas: spec.numReplicas,
              },
              { signal, idempotencyKey: `synapse-serve:${jobId}:${name}:${release}`, retry: false },
            ),
          );
        } catch (error) {
          if (!isTransientError(error)) throw error;
          lastError = error;
          const found = await find().catch(() => undefined);
          if (found === undefined) return tryAgain(error);
          created = true;
          return done(found);
        }
      },
      {
        clock: context.runtimeCtx.clock,
        backoff: REGISTER_BACKOFF,
        attempts: REGISTER_ATTEMPTS,
        signal,
      },
      ({ why }) =>
        why === 'cancelled'
          ? new CancelledError(`Cancelled while registering '${name}'`)
          : lastError instanceof Error
            ? lastError
            : new StepsError('REGISTER_FAILED', `Could not register '${name}'`),
    ));
  const id = record.id;
  const serveApplication = typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id;
  context.log('app_registered', { app: name, serveApplication, created });
  return { serveApplication, created, status };
}
