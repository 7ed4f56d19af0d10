import { RayServeClient } from '@synapse-sdk/clients';
import type { RunState } from '@synapse-sdk/core';
import { errorMessage, silentLogger } from '@synapse-sdk/core';
import type { DeployChangeState } from '@synapse-sdk/steps';
import { deployChangeIn, describeDeployChange } from '@synapse-sdk/steps';

import { runMetaOf } from './run-meta.js';

/** What the cluster holds now of what one step of a run changed (`runs show`). */
export type ClusterNow =
  | ({ step: string } & DeployChangeState)
  | { step: string; app: string; error: string };

// `runs show` reads the journal first: a cluster that does not answer soon is reported, not awaited.
const LOOKUP_TIMEOUT_MS = 5_000;

/**
 * For each step of the run whose rollback data is a deploy's change that was not undone, what
 * the run's cluster holds of that app now and what a rollback would do; an unreachable cluster
 * is said so. Reads the cluster once; empty when no step changed an app.
 */
export async function clusterNow(
  run: RunState,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ClusterNow[]> {
  const changes = run.steps.flatMap((step) => {
    const change = deployChangeIn(step.rollbackData);
    return change && change.appliedConfig !== null ? [{ step: step.name, change }] : [];
  });
  const address = runMetaOf(run.meta)?.rayAddress;
  if (changes.length === 0 || !address) return [];
  const client = RayServeClient.fromEnv(
    { ...env, RAY_DASHBOARD_ADDRESS: address },
    { logger: silentLogger },
  );
  try {
    const details = await client.getApplications(AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
    return changes.map(({ step, change }) => ({
      step,
      ...describeDeployChange(change, details.applications[change.appName]),
    }));
  } catch (error) {
    const message = `the cluster at ${client.address} did not answer (${errorMessage(error)}): what it holds now is unknown`;
    return changes.map(({ step, change }) => ({ step, app: change.appName, error: message }));
  }
}

/** The `cluster now:` section of `runs show`, or undefined when there is nothing to say. */
export function formatClusterNow(items: readonly ClusterNow[]): string | undefined {
  if (items.length === 0) return undefined;
  return [
    'cluster now:',
    ...items.map((item) => `  ${item.step}: ${'error' in item ? item.error : item.text}`),
  ].join('\n');
}
