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

  // Without a signal, a lookup is bounded by the client's own timeout: after a cancel it tells
  // whether a POST created the record.
  const find = async (
    within?: AbortSignal | undefined,
  ): Promise<BackendServeApplication | undefined> =>
    (await backend.listServeApplications({ name }, { signal: within })).find(
      (record) => record['name'] === name && Number(record['plugin_release']) === release,
    );
  const existing = await find(signal);
  if (existing !== undefined) return registered(context, existing, false, status);
  let lastError: unknown;
  // The backend is not known to honour Idempotency-Key: each POST is sent once, and after one
  // that failed in transit (its answer lost, too slow, a 503 from a proxy that forwarded it)
  // the record is looked up before another is sent, so a run creates at most one. A POST is
  // never cut short by a cancel (the backend may create the record all the same): it settles
  // within the client's timeout, and the run's rollback is told about the record it made.
  let record: BackendServeApplication;
  try {
    record = await retryLoop(
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
              { idempotencyKey: `synapse-serve:${jobId}:${name}:${release}`, retry: false },
            ),
          );
        } catch (error) {
          if (!isTransientError(error)) throw error;
          lastError = error;
          const found = await find().catch(() => undefined);
          return found === undefined ? tryAgain(error) : done(found);
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
    );
  } catch (error) {
    // Cancelled between two tries: a POST that failed in transit may have created it anyway.
    const found =
      signal.aborted && lastError !== undefined ? await find().catch(() => undefined) : undefined;
    if (found === undefined) throw error;
    record = found;
  }
  return registered(context, record, true, status);
}

function registered(
  context: DeploymentContext,
  record: BackendServeApplication,
  created: boolean,
  status: string,
): Registration {
  const name = context.spec.serveAppName;
  const id = record.id;
  const serveApplication = typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id;
  context.log('app_registered', { app: name, serveApplication, created });
  return { serveApplication, created, status };
}
