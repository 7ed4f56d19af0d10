import type { RayServeClient } from '@synapse-sdk/clients';
import {
  ClientConnectionError,
  ClientTimeoutError,
  isTransientError,
  NotFoundError,
} from '@synapse-sdk/clients';
import type { Clock } from '@synapse-sdk/core';
import {
  CancelledError,
  done,
  errorMessage,
  retryLoop,
  systemClock,
  tryAgain,
} from '@synapse-sdk/core';

import { CONNECT_BACKOFF } from '../defaults.js';
import { StepsError } from '../errors.js';
import { rayVersionRefusal, refusalError } from '../rules/deploy-rules.js';
import type { ClusterInfo } from './cluster-info.js';

/** Options of {@link connectToRay}. */
export interface ConnectOptions {
  /** How long to keep retrying an unreachable dashboard. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** @default systemClock */
  clock?: Clock | undefined;
}

/**
 * Probes the dashboard, retrying while it cannot be reached for up to `timeoutMs`, checks its
 * Ray version, and reads the applications once to prove the credentials work.
 */
export async function connectToRay(
  client: RayServeClient,
  options: ConnectOptions,
): Promise<ClusterInfo> {
  const { signal } = options;
  const version = await retryLoop(
    async () => {
      try {
        return done(await client.getVersion(signal));
      } catch (error) {
        // A dashboard that answers 502/503/504 for the whole timeout is as unreachable as one
        // that refuses connections: its controller or a proxy in front of it is down.
        if (isTransientError(error)) return tryAgain(error);
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
    },
    {
      clock: options.clock ?? systemClock,
      backoff: CONNECT_BACKOFF,
      timeoutMs: options.timeoutMs,
      signal,
    },
    ({ why, reason }) => {
      if (why === 'cancelled') return new CancelledError('Cancelled while connecting to Ray');
      return new StepsError(
        'RAY_UNREACHABLE',
        `Cannot reach the Ray dashboard at ${client.address} (tried for ${Math.round(options.timeoutMs / 1000)} s): ${unreachableReason(reason)}`,
        {
          cause: reason,
          hint: 'start the cluster, or point RAY_DASHBOARD_ADDRESS (--ray-address) at its dashboard, e.g. http://head-node:8265',
        },
      );
    },
  );
  const tooOld = rayVersionRefusal(version.ray_version, client.address);
  if (tooOld) throw refusalError(tooOld);
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

/** Why the dashboard was unreachable: the connection failure, or the status it kept answering. */
function unreachableReason(error: unknown): string {
  if (error instanceof ClientConnectionError || error instanceof ClientTimeoutError) {
    return error.reason;
  }
  return errorMessage(error);
}
