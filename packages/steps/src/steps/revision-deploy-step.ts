import type { RayServeClient, ServeApplicationConfig } from '@synapse-sdk/clients';
import type { BaseStepContext, StepAttempt, StepResult } from '@synapse-sdk/core';
import { BaseStep, stepFailure, stepSuccess } from '@synapse-sdk/core';

import { DEPLOY_WAIT_TIMEOUT_MS, ROLLBACK_TIMEOUT_MS } from '../defaults.js';
import { deployApplication } from '../deploy/deploy-application.js';
import { deployChangeIn } from '../deploy/deploy-change.js';
import { undoDeploy } from '../deploy/undo-deploy.js';
import { writeAheadPut } from '../journal/deploy-write-ahead.js';
import { ensurePackages } from '../journal/ensure-packages.js';
import type { DeployStepOptions } from './deploy-step.js';

/**
 * Deploys a given application config again — a revision from the journal, for `synapse serve
 * rollback` — with the safety of {@link DeployStep}: its packages uploaded again from the
 * journal when Ray dropped them, merged into the live config under the cluster lock (every
 * other app kept), the change written ahead of the PUT, then a wait for RUNNING. Its rollback
 * (on failure, or later from the journal) puts back what ran before.
 */
export class RevisionDeployStep extends BaseStep {
  public readonly name = 'deploy';
  public readonly progressWeight = 1;
  public override readonly settlesOnAbort = true;
  private readonly client: RayServeClient;
  private readonly config: ServeApplicationConfig;
  private readonly options: Omit<DeployStepOptions, 'compression'>;

  public constructor(
    client: RayServeClient,
    config: ServeApplicationConfig,
    options: Omit<DeployStepOptions, 'compression'> = {},
  ) {
    super();
    this.client = client;
    this.config = config;
    this.options = options;
  }

  public async execute(context: BaseStepContext, attempt: StepAttempt): Promise<StepResult> {
    const { signal } = attempt;
    const { journal, logger, clock } = context.runtimeCtx;
    const rayVersion = (await this.client.getVersion(signal)).ray_version;
    const uploaded = await ensurePackages(this.client, this.config, journal?.store, logger);
    if (uploaded.length > 0) context.log('packages_uploaded_again', { uris: uploaded });
    const report = await deployApplication(this.client, this.config, {
      timeoutMs: this.options.waitTimeoutMs ?? DEPLOY_WAIT_TIMEOUT_MS,
      signal,
      lockDir: this.options.lockDir,
      rayVersion,
      pollIntervalMs: this.options.pollIntervalMs,
      clock,
      logger,
      priorChange: deployChangeIn(journal?.priorRollbackData(this.name) ?? {}),
      writeAhead: journal
        ? (change) => writeAheadPut(journal, this.name, change, this.client.address)
        : undefined,
      onStatus: ({ app, seen }) => {
        if (seen)
          context.log('app_status', { app: this.config.name, status: app?.status ?? 'absent' });
      },
    });
    const rollbackData = { ...report.change };
    if (!report.ok) {
      return stepFailure(
        report.error instanceof Error ? report.error : String(report.error),
        rollbackData,
      );
    }
    return stepSuccess(
      { appName: this.config.name, status: report.app.status, upToDate: report.upToDate },
      rollbackData,
    );
  }

  public override async rollback(context: BaseStepContext, result: StepResult): Promise<void> {
    await undoDeploy(context, this.client, result, {
      timeoutMs: this.options.rollbackTimeoutMs ?? ROLLBACK_TIMEOUT_MS,
      lockDir: this.options.lockDir,
      pollIntervalMs: this.options.pollIntervalMs,
    });
  }
}
