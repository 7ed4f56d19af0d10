import type { RayServeClient } from '@synapse-sdk/clients';
import type { BaseStepContext, StepResult } from '@synapse-sdk/core';

import { deployChangeIn } from './deploy-change.js';
import type { RestoreOptions } from './restore-application.js';
import { restoreApplication } from './restore-application.js';

/**
 * The rollback of a step that deployed an application config (its `rollbackData` is the
 * {@link DeployChange}): puts the app's previous config back — uploading again, from the run's
 * journal, a package of it that Ray dropped — or removes the app the step created, and waits
 * for that to settle. Other apps are left as they are; nothing sent means nothing to undo.
 */
export async function undoDeploy(
  context: BaseStepContext,
  client: RayServeClient,
  result: StepResult,
  options: Omit<RestoreOptions, 'clock' | 'logger'>,
): Promise<void> {
  const change = deployChangeIn(result.rollbackData);
  if (!change || change.appliedConfig === null) {
    context.log('deploy_rollback_skipped', { reason: 'the cluster was not changed' });
    return;
  }
  const restore = change.previousConfig !== null;
  context.log('deploy_rolling_back', {
    app: change.appName,
    action: restore ? 'restore the previous config' : 'remove the new app',
    waitUpToS: Math.round(options.timeoutMs / 1000),
  });
  const { journal, logger, clock } = context.runtimeCtx;
  await restoreApplication(client, change, { ...options, clock, logger, store: journal?.store });
  context.log(restore ? 'deploy_restored' : 'deploy_removed', { app: change.appName });
}
