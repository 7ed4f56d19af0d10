import {
  DeployFailedError,
  type RayServeClient,
  type ServeApplicationConfig,
} from '@synapse-sdk/clients';
import type { Logger } from '@synapse-sdk/core';
import { silentLogger } from '@synapse-sdk/core';

import { applyApplication } from './apply-application.js';

/** Options of {@link restoreApplication}. */
export interface RestoreOptions {
  /** How long to wait for the restored state to settle. */
  timeoutMs: number;
  lockDir?: string | undefined;
  pollIntervalMs?: number;
  /** The app's status before the run: restoring a config that had failed may fail again. */
  previousStatus?: string | undefined;
  logger?: Logger;
}

/**
 * Puts application `name` back to `previous` (or removes it when it did not exist before),
 * leaving every other application as it is, and waits until that has settled: RUNNING again,
 * or gone. Runs without a cancellation signal on purpose: a rollback stopped halfway would leave
 * the half-state it exists to undo.
 */
export async function restoreApplication(
  client: RayServeClient,
  name: string,
  previous: ServeApplicationConfig | null,
  options: RestoreOptions,
): Promise<{ changed: boolean }> {
  const logger = options.logger ?? silentLogger;
  const outcome = await applyApplication(client, name, previous, { lockDir: options.lockDir });
  const poll = {
    timeoutMs: options.timeoutMs,
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
  };
  if (previous === null) {
    await client.waitForApplicationRemoved(name, poll);
    logger.info(`Removed application '${name}', which did not exist before this run`);
  } else {
    const since = outcome.put ? (outcome.before?.last_deployed_time_s ?? null) : undefined;
    try {
      await client.waitForApplication(name, {
        ...poll,
        ...(since === undefined ? {} : { sinceDeployedTime: since }),
        logger,
      });
    } catch (error) {
      const failedAsBefore =
        error instanceof DeployFailedError && error.status === options.previousStatus;
      if (!failedAsBefore) throw error;
    }
    logger.info(`Restored the previous config of application '${name}'`);
  }
  return { changed: outcome.put };
}
