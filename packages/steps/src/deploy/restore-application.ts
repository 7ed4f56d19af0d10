import type { RayServeClient, ServeApplicationConfig } from '@synapse-sdk/clients';
import { POLL_INTERVAL_MS, pollUntil } from '@synapse-sdk/clients';
import type { Clock, JournalStore, Logger } from '@synapse-sdk/core';
import { done, retryLoop, silentLogger, systemClock, tryAgain } from '@synapse-sdk/core';

import { OUTAGE_BACKOFF } from '../defaults.js';
import { StepsError } from '../errors.js';
import { reuploadPackages } from '../journal/ensure-packages.js';
import { applyApplication } from './apply-application.js';
import type { DeployChange } from './deploy-change.js';
import { configIsLive } from './serve-config.js';

/** Options of {@link restoreApplication}. */
export interface RestoreOptions {
  /** How long to wait for the restored state to settle. */
  timeoutMs: number;
  lockDir?: string | undefined;
  /** Delay between status polls. @default the client's */
  pollIntervalMs?: number | undefined;
  /** Times the waits. @default systemClock */
  clock?: Clock | undefined;
  logger?: Logger | undefined;
  /** The journal that kept the packages this SDK uploaded, to upload again one Ray dropped. */
  store?: JournalStore | undefined;
}

/**
 * Undoes `change`: puts the application back to its previous config (or removes it when it
 * did not exist before), leaving every other application as it is, and waits until that has
 * settled. Packages of the previous config that Ray dropped (a head restart wipes them all) are
 * uploaded again first from `options.store`; one nothing kept leaves the config put back and
 * throws `RESTORE_IMPOSSIBLE` naming it. An application that was RUNNING is waited for until
 * RUNNING again; one that was still deploying, failed or unhealthy until its config is live
 * again. Runs without a cancellation
 * signal on purpose: a rollback stopped halfway would leave the half-state it exists to undo.
 */
export async function restoreApplication(
  client: RayServeClient,
  change: DeployChange,
  options: RestoreOptions,
): Promise<{ changed: boolean }> {
  const logger = options.logger ?? silentLogger;
  const name = change.appName;
  const previous = change.previousConfig;
  const missing = await restorePackages(client, change, options);
  const outcome = await applyApplication(client, name, previous, {
    lockDir: options.lockDir,
    rayVersion: change.rayVersion ?? undefined,
    clock: options.clock,
    // The rollback rides out an unreachable dashboard as long as it may wait at all.
    outageBudgetMs: options.timeoutMs,
  });
  if (missing.length > 0) {
    // Put back all the same: the app stays declared with its own config, to be deployed again
    // once its package is; waiting for it to run would only wait for it to fail.
    throw new StepsError(
      'RESTORE_IMPOSSIBLE',
      `Cannot restore application '${name}': its previous config was put back, but its package ${missing.join(', ')} is gone from the cluster (a head restart wipes uploaded packages) and no journal${options.store ? ` in ${options.store.location}` : ''} kept its bytes, so '${name}' is left failing to deploy`,
      { hint: `deploy the previous version of '${name}' again from its source` },
    );
  }
  const poll = {
    timeoutMs: options.timeoutMs,
    pollIntervalMs: options.pollIntervalMs,
    afterPut: outcome.put,
    clock: options.clock,
  };
  if (previous === null) {
    await client.waitForApplicationRemoved(name, poll);
    logger.info(`Removed application '${name}', which did not exist before this run`);
  } else if (change.previousStatus === 'RUNNING') {
    const since = outcome.put ? (outcome.before?.last_deployed_time_s ?? null) : undefined;
    await client.waitForApplication(name, { ...poll, sinceDeployedTime: since, logger });
    logger.info(`Restored the previous config of application '${name}'; it is RUNNING`);
  } else {
    await waitUntilRestored(client, change, previous, options);
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
  change: DeployChange,
  previous: ServeApplicationConfig,
  options: RestoreOptions,
): Promise<void> {
  const logger = options.logger ?? silentLogger;
  const name = change.appName;
  const intervalMs = options.pollIntervalMs ?? POLL_INTERVAL_MS;
  const status = await retryLoop(
    async () => {
      const live = await client.getApplication(name);
      const restored =
        live !== undefined &&
        live.status !== 'DELETING' &&
        configIsLive(previous, live.deployed_app_config);
      if (restored && (change.previousStatus === 'DEPLOYING' || live.status !== 'DEPLOYING')) {
        return done(live.status);
      }
      return tryAgain(
        `${live?.status ?? 'absent'}${restored ? '' : ' without its previous config'}`,
      );
    },
    {
      clock: options.clock ?? systemClock,
      backoff: { initialDelayMs: intervalMs, maxDelayMs: intervalMs, factor: 1, jitter: 0 },
      timeoutMs: options.timeoutMs,
    },
    ({ reason }) =>
      new StepsError(
        'RESTORE_TIMEOUT',
        `Restoring application '${name}' did not settle within ${Math.round(options.timeoutMs / 1000)} s: it is ${String(reason)}`,
        { hint: 'check the application with `synapse serve status` and deploy again if needed' },
      ),
  );
  logger.info(`Restored the previous config of application '${name}' (${status})`);
}

/**
 * Puts back the packages the previous config runs from that the cluster dropped (see
 * {@link reuploadPackages}) and returns those that could not be; ridden out, like the apply
 * after it, while the dashboard cannot be reached, for as long as the rollback may wait.
 */
async function restorePackages(
  client: RayServeClient,
  change: DeployChange,
  options: RestoreOptions,
): Promise<string[]> {
  if (change.previousConfig === null) return [];
  const logger = options.logger ?? silentLogger;
  const { missing } = await pollUntil(
    {
      subject: `the packages of application '${change.appName}'`,
      defaultIntervalMs: OUTAGE_BACKOFF.initialDelayMs,
      read: () => reuploadPackages(client, change.previousConfig, options.store, logger),
      check: (result) => result,
      stopped: (_why, lastError) =>
        new StepsError(
          'RESTORE_TIMEOUT',
          `Restoring application '${change.appName}': the dashboard at ${client.address} could not be reached for ${Math.round(options.timeoutMs / 1000)} s (${lastError ?? 'no answer'}), so its previous config was not put back`,
          { hint: 'run `synapse runs rollback RUN_ID` once the dashboard answers again' },
        ),
      logger,
    },
    {
      timeoutMs: options.timeoutMs,
      clock: options.clock,
      maxPollIntervalMs: OUTAGE_BACKOFF.maxDelayMs,
    },
  );
  return missing;
}
