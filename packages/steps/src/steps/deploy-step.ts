import type { ApplicationDetails } from '@synapse-sdk/clients';
import type { StepAttempt, StepResult } from '@synapse-sdk/core';
import { BaseStep, stepFailure, stepSuccess } from '@synapse-sdk/core';

import { initializeCluster } from '../cluster/initialize-cluster.js';
import {
  CONNECT_TIMEOUT_MS,
  DEPLOY_WAIT_TIMEOUT_MS,
  PROGRESS_LINE_MS,
  ROLLBACK_TIMEOUT_MS,
} from '../defaults.js';
import { prepareApplication } from '../deploy/build-application.js';
import { deployApplication } from '../deploy/deploy-application.js';
import { deployChangeIn, noChange } from '../deploy/deploy-change.js';
import { undoDeploy } from '../deploy/undo-deploy.js';
import type { DeploymentContext } from '../deployment-context.js';
import { DeploymentProgressCategories } from '../deployment-progress.js';
import { keepPackage, writeAheadPut, writeAheadUpload } from '../journal/deploy-write-ahead.js';
import type { PackageCompression } from '../packaging/compression.js';
import { ensurePackage } from '../packaging/package-plugin.js';
import { refusalError, writeRefusal } from '../rules/deploy-rules.js';

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
  /**
   * Run again after its process died, it reads the live config and converges (a PUT of the
   * same config changes nothing), keeping what the interrupted attempt journaled as the
   * cluster's state before the run.
   */
  public override readonly resumable = true;
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

    const journal = context.runtimeCtx.journal;
    const prior = deployChangeIn(journal?.priorRollbackData(this.name) ?? {});
    const { app, pkg } = await prepareApplication(spec, {
      compression: this.options.compression,
      userConfig: this.options.userConfig?.(context),
    });
    context.setProgress(1, 4);
    // The package is kept until the deploy ends: a head that restarts meanwhile loses it, and
    // the config can only be applied again once it is uploaded again.
    const uploadIfMissing = (): Promise<void> =>
      ensurePackage(
        client,
        pkg,
        (event, data) => context.log(event, data),
        signal,
        journal && {
          present: async () => void (await keepPackage(journal, pkg)),
          beforeUpload: async () => {
            const change = prior ?? noChange(spec.serveAppName, cluster.rayVersion);
            await writeAheadUpload(journal, this.name, change, pkg, client.address);
          },
        },
      );
    try {
      // What the cluster's state already refuses (an app of this name started with serve.run)
      // is refused before the upload; the apply checks again under the lock.
      const refusal = writeRefusal(
        await client.getApplications(signal),
        spec.serveAppName,
        app,
        cluster.rayVersion,
      );
      if (refusal) throw refusalError(refusal);
      await uploadIfMissing();
    } catch (error) {
      await pkg.remove();
      throw error;
    }
    context.setProgress(2, 4);

    // The run's limit (plugin run --timeout, SYNAPSE_TIMEOUT) wins over the default the plugin's
    // code chose: the wait must not give up before the run does.
    const waitTimeoutMs =
      spec.waitTimeoutMs ?? this.options.waitTimeoutMs ?? DEPLOY_WAIT_TIMEOUT_MS;
    const clock = context.runtimeCtx.clock;
    const startedAt = clock.now();
    let lastLineAt = startedAt;
    let lastStatus = '';
    const report = await deployApplication(client, app, {
      beforeReapply: uploadIfMissing,
      onApplied: () => context.log('app_applied', { app: app.name }),
      timeoutMs: waitTimeoutMs,
      signal,
      lockDir: this.options.lockDir,
      rayVersion: cluster.rayVersion,
      pollIntervalMs: this.options.pollIntervalMs,
      clock: context.runtimeCtx.clock,
      logger: context.runtimeCtx.logger,
      priorChange: prior,
      writeAhead: journal
        ? (change) => writeAheadPut(journal, this.name, change, client.address)
        : undefined,
      onStatus: ({ app: details, seen }) => {
        const status = details?.status ?? 'absent';
        if (!seen || status === lastStatus) return;
        lastStatus = status;
        context.setProgress(3, 4);
        context.log('app_status', { app: app.name, status, message: details?.message ?? '' });
      },
      // A long wait says where it is at least every PROGRESS_LINE_MS, so it never looks hung.
      onPoll: ({ app: details }) => {
        const now = clock.now();
        if (now - lastLineAt < PROGRESS_LINE_MS) return;
        lastLineAt = now;
        context.log('app_waiting', {
          app: app.name,
          status: details?.status ?? 'absent',
          ready: `${replicasReady(details)} replicas ready`,
          elapsed: `${seconds(now - startedAt)} of ${seconds(waitTimeoutMs)}`,
        });
      },
    }).finally(() => pkg.remove());
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
    await undoDeploy(context, context.rayClient, result, {
      timeoutMs: this.options.rollbackTimeoutMs ?? ROLLBACK_TIMEOUT_MS,
      lockDir: this.options.lockDir,
      pollIntervalMs: this.options.pollIntervalMs,
    });
  }
}

/** `ready/target` over the app's deployments, e.g. `0/2`. */
function replicasReady(app: ApplicationDetails | undefined): string {
  let ready = 0;
  let target = 0;
  for (const deployment of Object.values(app?.deployments ?? {})) {
    target += deployment.target_num_replicas ?? 0;
    ready += (deployment.replicas ?? []).filter((replica) => replica.state === 'RUNNING').length;
  }
  return `${ready}/${target}`;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}
