import { BaseStep, stepSuccess, type StepAttempt, type StepResult } from '@synapse-sdk/core';

import { deployApplication } from '../deploy/deploy-application.js';
import { prepareApplication } from '../deploy/build-application.js';
import { restoreApplication } from '../deploy/restore-application.js';
import { ensurePackage } from '../packaging/package-plugin.js';
import type { DeploymentContext } from '../deployment-context.js';
import type { PackageCompression } from '../packaging/compression.js';
import { initializeCluster } from './initialize-ray-step.js';

/** Options of {@link DeployStep}. */
export interface DeployStepOptions {
  /** How long to wait for the app to reach RUNNING. @default 600000 (10 min: pip installs are slow) */
  waitTimeoutMs?: number;
  /** How long rollback waits for the previous state to settle. @default 300000 */
  rollbackTimeoutMs?: number;
  /** First delay between status polls. @default 100 */
  pollIntervalMs?: number;
  /** Folder of the cluster lock files. @default env SYNAPSE_LOCK_DIR, else the OS temp folder */
  lockDir?: string;
  /** How the package's files are compressed. @default 'store' (see {@link PackageCompression}) */
  compression?: PackageCompression;
  /**
   * The deployment's `user_config`, computed when the step runs, so it can carry what an earlier
   * step produced (`context.resultOf('train')`). Ray passes it to the serve class's
   * `reconfigure(config)`, which the class must define; a changed value updates the running
   * replicas in place. @default none
   */
  userConfig?: (context: DeploymentContext) => Record<string, unknown> | undefined;
}

/**
 * Deploys the plugin to Ray Serve without ever deleting the running app first: packages the
 * plugin directory (uploading it only when the cluster lacks it), builds the app config, merges
 * it into the live config keeping every other app, PUTs it under the cluster lock, and waits
 * for RUNNING. An identical config already RUNNING is "up to date" and sends nothing.
 *
 * Rollback puts back the app's previous config, or removes the app if this run created it, and
 * waits for that to settle; other apps are left as they are.
 */
export class DeployStep extends BaseStep<DeploymentContext> {
  public readonly name = 'deploy';
  public readonly progressWeight = 0.7;
  private readonly options: DeployStepOptions;

  public constructor(options: DeployStepOptions = {}) {
    super();
    this.options = options;
  }

  public async execute(context: DeploymentContext, attempt: StepAttempt): Promise<StepResult> {
    const { signal } = attempt;
    const client = context.rayClient;
    // Without InitializeRayStep in the pipeline, make the same checks before changing anything.
    const clusterInfo = await initializeCluster(context, 15_000, signal);

    const { app, pkg } = await prepareApplication(context, {
      compression: this.options.compression,
      userConfig: this.options.userConfig?.(context),
    });
    context.appConfig = app;
    context.setProgress(1, 4);
    try {
      await ensurePackage(client, pkg, (event, data) => context.log(event, data), signal);
    } finally {
      await pkg.remove();
    }
    context.setProgress(2, 4);

    let lastStatus = '';
    const outcome = await deployApplication(client, app, context, {
      timeoutMs: this.options.waitTimeoutMs ?? 600_000,
      signal,
      lockDir: this.options.lockDir,
      rayVersion: clusterInfo.rayVersion,
      ...(this.options.pollIntervalMs === undefined
        ? {}
        : { pollIntervalMs: this.options.pollIntervalMs }),
      logger: context.runtimeCtx.logger,
      onStatus: ({ app: details, seen }) => {
        const status = details?.status ?? 'absent';
        if (!seen || status === lastStatus) return;
        lastStatus = status;
        context.setProgress(3, 4);
        context.log('app_status', { app: app.name, status, message: details?.message ?? '' });
      },
    });
    context.deployed = true;
    context.log(outcome.upToDate ? 'app_up_to_date' : 'app_running', {
      app: app.name,
      routePrefix: app.route_prefix,
    });
    return stepSuccess(
      {
        appName: app.name,
        routePrefix: app.route_prefix,
        status: outcome.app.status,
        packageUri: pkg.uri,
        upToDate: outcome.upToDate,
        reapplied: outcome.reapplied,
      },
      { previousAppConfig: context.previousAppConfig ?? null },
    );
  }

  public override async rollback(context: DeploymentContext): Promise<void> {
    if (!context.applied) {
      context.log('deploy_rollback_skipped', { reason: 'the cluster was not changed' });
      return;
    }
    const previous = context.previousAppConfig ?? null;
    const timeoutMs = this.options.rollbackTimeoutMs ?? 300_000;
    context.log('deploy_rolling_back', {
      app: context.serveAppName,
      action: previous ? 'restore the previous config' : 'remove the new app',
      waitUpToS: Math.round(timeoutMs / 1000),
    });
    await restoreApplication(context.rayClient, context.serveAppName, previous, {
      timeoutMs,
      lockDir: this.options.lockDir,
      previousStatus: context.previousAppStatus,
      rayVersion: context.clusterInfo?.rayVersion,
      ...(this.options.pollIntervalMs === undefined
        ? {}
        : { pollIntervalMs: this.options.pollIntervalMs }),
      logger: context.runtimeCtx.logger,
    });
    context.applied = false;
    context.deployed = false;
    context.log(previous ? 'deploy_restored' : 'deploy_removed', { app: context.serveAppName });
  }
}
