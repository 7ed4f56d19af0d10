import type { StepAttempt, StepResult } from '@synapse-sdk/core';
import { BaseStep, stepFailure, stepSuccess } from '@synapse-sdk/core';

import { initializeCluster } from '../cluster/initialize-cluster.js';
import { CONNECT_TIMEOUT_MS, DEPLOY_WAIT_TIMEOUT_MS, ROLLBACK_TIMEOUT_MS } from '../defaults.js';
import { prepareApplication } from '../deploy/build-application.js';
import { deployApplication } from '../deploy/deploy-application.js';
import { deployChangeIn } from '../deploy/deploy-change.js';
import { restoreApplication } from '../deploy/restore-application.js';
import type { DeploymentContext } from '../deployment-context.js';
import { DeploymentProgressCategories } from '../deployment-progress.js';
import type { PackageCompression } from '../packaging/compression.js';
import { ensurePackage } from '../packaging/package-plugin.js';

/** Options of {@link DeployStep}. */
export interface DeployStepOptions {
  /** How long to wait for the app to reach RUNNING. @default {@link DEPLOY_WAIT_TIMEOUT_MS} */
  waitTimeoutMs?: number | undefined;
  /** How long rollback waits for the previous state to settle. @default {@link ROLLBACK_TIMEOUT_MS} */
  rollbackTimeoutMs?: number | undefined;
  /** Delay between status polls. @default the Ray client's (500 ms) */
  pollIntervalMs?: number | undefined;
  /** Folder of the cluster lock files. @default env SYNAPSE_LOCK_DIR, else the OS temp folder */
  lockDir?: string | undefined;
  /** How the package's files are compressed. @default 'store' (see {@link PackageCompression}) */
  compression?: PackageCompression | undefined;
  /**
   * The deployment's `user_config`, computed when the step runs, so it can carry what an earlier
   * step produced (`context.resultOf('train')`). Ray passes it to the serve class's
   * `reconfigure(config)`, which the class must define; a changed value updates the running
   * replicas in place. @default none
   */
  userConfig?: ((context: DeploymentContext) => Record<string, unknown> | undefined) | undefined;
}

/**
 * Deploys the plugin to Ray Serve without ever deleting the running app first:
 * spec → package (uploaded only when the cluster lacks it) → apply (merged into the live config,
 * every other app kept, PUT under the cluster lock) → wait for RUNNING. An identical config
 * already RUNNING is "up to date" and sends nothing.
 *
 * Its `rollbackData`, also on failure or cancellation, is the {@link DeployChange}: what the
 * cluster held before this run's first PUT. Rollback reads it back and puts the app's previous
 * config back, or removes the app if this run created it, and waits for that to settle; other
 * apps are left as they are.
 */
export class DeployStep extends BaseStep<DeploymentContext> {
  public readonly name = DeploymentProgressCategories.DEPLOY;
  public readonly progressWeight = 0.7;
  /** A PUT in flight is let finish, and what it changed is reported before rolling back. */
  public override readonly settlesOnAbort = true;
  private readonly options: DeployStepOptions;

  public constructor(options: DeployStepOptions = {}) {
    super();
    this.options = options;
  }

  public async execute(context: DeploymentContext, attempt: StepAttempt): Promise<StepResult> {
    const { signal } = attempt;
    const { spec, rayClient: client } = context;
    // Without InitializeRayStep in the pipeline, make the same checks before changing anything.
    const cluster =
      context.clusterInfo ??
      (await initializeCluster(context, { timeoutMs: CONNECT_TIMEOUT_MS, signal }));

    const { app, pkg } = await prepareApplication(spec, {
      compression: this.options.compression,
      userConfig: this.options.userConfig?.(context),
    });
    context.setProgress(1, 4);
    try {
      await ensurePackage(client, pkg, (event, data) => context.log(event, data), signal);
    } finally {
      await pkg.remove();
    }
    context.setProgress(2, 4);

    let lastStatus = '';
    const report = await deployApplication(client, app, {
      timeoutMs: this.options.waitTimeoutMs ?? DEPLOY_WAIT_TIMEOUT_MS,
      signal,
      lockDir: this.options.lockDir,
      rayVersion: cluster.rayVersion,
      pollIntervalMs: this.options.pollIntervalMs,
      clock: context.runtimeCtx.clock,
      logger: context.runtimeCtx.logger,
      onStatus: ({ app: details, seen }) => {
        const status = details?.status ?? 'absent';
        if (!seen || status === lastStatus) return;
        lastStatus = status;
        context.setProgress(3, 4);
        context.log('app_status', { app: app.name, status, message: details?.message ?? '' });
      },
    });
    const rollbackData = { ...report.change };
    if (!report.ok) {
      const error = report.error instanceof Error ? report.error : String(report.error);
      return stepFailure(error, rollbackData);
    }
    context.log(report.upToDate ? 'app_up_to_date' : 'app_running', {
      app: app.name,
      routePrefix: app.route_prefix,
    });
    return stepSuccess(
      {
        appName: app.name,
        routePrefix: app.route_prefix,
        status: report.app.status,
        packageUri: pkg.uri,
        upToDate: report.upToDate,
        reapplied: report.reapplied,
      },
      rollbackData,
    );
  }

  public override async rollback(context: DeploymentContext, result: StepResult): Promise<void> {
    const change = deployChangeIn(result.rollbackData);
    if (!change || change.appliedConfig === null) {
      context.log('deploy_rollback_skipped', { reason: 'the cluster was not changed' });
      return;
    }
    const timeoutMs = this.options.rollbackTimeoutMs ?? ROLLBACK_TIMEOUT_MS;
    const restore = change.previousConfig !== null;
    context.log('deploy_rolling_back', {
      app: change.appName,
      action: restore ? 'restore the previous config' : 'remove the new app',
      waitUpToS: Math.round(timeoutMs / 1000),
    });
    await restoreApplication(context.rayClient, change, {
      timeoutMs,
      lockDir: this.options.lockDir,
      pollIntervalMs: this.options.pollIntervalMs,
      clock: context.runtimeCtx.clock,
      logger: context.runtimeCtx.logger,
    });
    context.log(restore ? 'deploy_restored' : 'deploy_removed', { app: change.appName });
  }
}
