import type { RayServeClient, ServeApplicationConfig } from '@synapse-sdk/clients';
import type { Logger } from '@synapse-sdk/core';
import { silentLogger, systemClock } from '@synapse-sdk/core';

import { StepsError } from '../errors.js';

import { applyApplication } from './apply-application.js';
import { configIsLive } from './serve-config.js';

/** Options of {@link restoreApplication}. */
export interface RestoreOptions {
  /** How long to wait for the restored state to settle. */
  timeoutMs: number;
  lockDir?: string | undefined;
  pollIntervalMs?: number;
  /**
   * The app's status before the run. Only an app that was RUNNING is waited for until RUNNING
   * again; one that was still deploying, failed or unhealthy is restored once its config is live.
   */
  previousStatus?: string | undefined;
  /** The cluster's Ray version, when known (see `ApplyOptions.rayVersion`). */
  rayVersion?: string | undefined;
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
  const outcome = await applyApplication(client, name, previous, {
    lockDir: options.lockDir,
    rayVersion: options.rayVersion,
  });
  const poll = {
    timeoutMs: options.timeoutMs,
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
  };
  if (previous === null) {
    await client.waitForApplicationRemoved(name, poll);
    logger.info(`Removed application '${name}', which did not exist before this run`);
  } else if (options.previousStatus === 'RUNNING') {
    const since = outcome.put ? (outcome.before?.last_deployed_time_s ?? null) : undefined;
    await client.waitForApplication(name, {
      ...poll,
      ...(since === undefined ? {} : { sinceDeployedTime: since }),
      logger,
    });
    logger.info(`Restored the previous config of application '${name}'; it is RUNNING`);
  } else {
    await waitUntilRestored(client, name, previous, options);
  }
  return { changed: outcome.put };
}

/**
 * For an app that was not RUNNING before the run. One that was still deploying is back as soon
 * as its config is live (Ray never fails a deploy that waits for resources, so waiting for an end
 * could last forever); one that had failed or was unhealthy is waited for until it has settled
 * again, whichever way.
 */
async function waitUntilRestored(
  client: RayServeClient,
  name: string,
  previous: ServeApplicationConfig,
  options: RestoreOptions,
): Promise<void> {
  const logger = options.logger ?? silentLogger;
  const deadline = Date.now() + options.timeoutMs;
  let interval = options.pollIntervalMs ?? 100;
  for (;;) {
    const live = await client.getApplication(name);
    const restored =
      live !== undefined &&
      live.status !== 'DELETING' &&
      configIsLive(previous, live.deployed_app_config);
    if (restored && (options.previousStatus === 'DEPLOYING' || live.status !== 'DEPLOYING')) {
      logger.info(`Restored the previous config of application '${name}' (${live.status})`);
      return;
    }
    if (Date.now() + interval > deadline) {
      throw new StepsError(
        'RESTORE_TIMEOUT',
        `Restoring application '${name}' did not settle within ${Math.round(options.timeoutMs / 1000)} s: it is ${live?.status ?? 'absent'}${restored ? '' : ' without its previous config'}`,
      );
    }
    await systemClock.sleep(interval);
    interval = Math.min(interval * 2, 1_000);
  }
}
