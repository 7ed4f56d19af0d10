import {
  DeployFailedError,
  type ApplicationDetails,
  type ApplicationStatusUpdate,
  type RayServeClient,
  type ServeApplicationConfig,
} from '@synapse-sdk/clients';
import type { Logger } from '@synapse-sdk/core';
import { silentLogger } from '@synapse-sdk/core';

import { StepsError } from '../errors.js';

import { applyApplication } from './apply-application.js';
import { configIsLive } from './serve-config.js';

/**
 * What a deploy has changed so far; rollback reads it. It is written as the deploy goes, so
 * that a cancelled or timed-out deploy can still be undone.
 */
export interface DeployState {
  /** The app's config before this run; null when it did not exist; undefined until read. */
  previousAppConfig?: ServeApplicationConfig | null | undefined;
  /** The app's status before this run; undefined when absent or not read yet. */
  previousAppStatus?: string | undefined;
  /** True once a PUT with our config may have reached the cluster. */
  applied: boolean;
}

/** Options of {@link deployApplication}. */
export interface DeployApplicationOptions {
  /** Give up waiting for RUNNING after this long. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  lockDir?: string | undefined;
  /** First delay between status polls. @default 100 */
  pollIntervalMs?: number;
  /** Times our config is re-applied when another writer drops the app. @default 3 */
  maxReapplies?: number;
  onStatus?: (update: ApplicationStatusUpdate) => void;
  logger?: Logger;
  /** The cluster's Ray version, when known (see {@link ApplyOptions.rayVersion}). */
  rayVersion?: string | undefined;
}

/** How a deploy ended. */
export interface DeployOutcome {
  app: ApplicationDetails;
  /** True when the identical config was already RUNNING: nothing was sent. */
  upToDate: boolean;
  /** Times the config was applied again after another writer dropped it. */
  reapplied: number;
}

/**
 * Applies `app` (see {@link applyApplication}) and waits until it is RUNNING. If another writer
 * drops it before then, it is merged in and applied again, a bounded number of times.
 */
export async function deployApplication(
  client: RayServeClient,
  app: ServeApplicationConfig,
  state: DeployState,
  options: DeployApplicationOptions,
): Promise<DeployOutcome> {
  const name = app.name ?? 'default';
  const logger = options.logger ?? silentLogger;
  const deadline = Date.now() + options.timeoutMs;
  const maxReapplies = options.maxReapplies ?? 3;

  const apply = async () => {
    const outcome = await applyApplication(client, name, app, {
      signal: options.signal,
      lockDir: options.lockDir,
      rayVersion: options.rayVersion,
      reapplyUnlessHealthy: true,
      beforePut: (previous, before) => {
        if (!state.applied) {
          state.previousAppConfig = previous;
          state.previousAppStatus = before?.status;
          state.applied = true;
        }
      },
    });
    if (state.previousAppConfig === undefined) {
      state.previousAppConfig = outcome.previous;
      state.previousAppStatus = outcome.before?.status;
    }
    return outcome;
  };

  let outcome = await apply();
  if (!outcome.put && outcome.before?.status === 'RUNNING') {
    return { app: outcome.before, upToDate: true, reapplied: 0 };
  }

  for (let reapplied = 0; ; reapplied++) {
    const since = outcome.put ? (outcome.before?.last_deployed_time_s ?? null) : undefined;
    let replacedBy: string;
    try {
      const running = await client.waitForApplication(name, {
        timeoutMs: Math.max(1, deadline - Date.now()),
        signal: options.signal,
        ...(since === undefined ? {} : { sinceDeployedTime: since }),
        putAnswered: outcome.put,
        ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
        ...(options.onStatus ? { onStatus: options.onStatus } : {}),
        logger,
      });
      // RUNNING is only ours if it runs what we sent: a writer on another host may have put
      // back an older config of this app from a stale read.
      if (configIsLive(app, running.deployed_app_config)) {
        return { app: running, upToDate: false, reapplied };
      }
      replacedBy = 'replaced by another writer with a different config';
      if (reapplied >= maxReapplies) {
        throw new StepsError(
          'DEPLOY_CONTESTED',
          `Ray Serve application '${name}' was ${replacedBy} ${reapplied + 1} times while this deploy waited for it`,
          { hint: `another tool keeps deploying '${name}'; stop it, then deploy again` },
        );
      }
    } catch (error) {
      const dropped = error instanceof DeployFailedError && error.reason === 'removed';
      if (!dropped || reapplied >= maxReapplies) throw error;
      replacedBy = 'removed by another writer';
    }
    logger.warn(`Application '${name}' was ${replacedBy}; applying it again`, {
      attempt: reapplied + 1,
    });
    outcome = await apply();
  }
}
