import type { ApplicationDetails } from '@synapse-sdk/clients';

import type { DeployChange } from '../deploy/deploy-change.js';
import { configIsLive } from '../deploy/serve-config.js';

/** What the cluster holds now of an app a run changed, next to what it held before the run. */
export interface DeployChangeState {
  app: string;
  /** The app's status now; null when it is absent. */
  status: string | null;
  /** Which config runs now. */
  running: 'this run' | 'before the run' | 'other' | 'absent';
  /** What a rollback of the run would do to the app. */
  rollback: 'restore' | 'remove' | 'nothing';
  /** The same, in one line for people. */
  text: string;
}

/**
 * Compares the app a run changed (its {@link DeployChange}) with the app as the cluster holds it
 * now (`live`, undefined when absent): whether the run's config, the one from before the run, or
 * another one runs, and what a rollback of the run would do.
 */
export function describeDeployChange(
  change: DeployChange,
  live: ApplicationDetails | undefined,
): DeployChangeState {
  const config = live?.deployed_app_config;
  const running: DeployChangeState['running'] = !live
    ? 'absent'
    : change.appliedConfig && configIsLive(change.appliedConfig, config)
      ? 'this run'
      : change.previousConfig && configIsLive(change.previousConfig, config)
        ? 'before the run'
        : 'other';
  const rollback: DeployChangeState['rollback'] =
    change.appliedConfig === null
      ? 'nothing'
      : change.previousConfig === null
        ? 'remove'
        : 'restore';
  const now = {
    absent: `${change.appName} is not on the cluster`,
    'this run': `${change.appName} runs this run's config (${live?.status})`,
    'before the run': `${change.appName} runs the config from before the run (${live?.status})`,
    other: `${change.appName} runs a config that is neither this run's nor the one from before it (${live?.status})`,
  }[running];
  const undo = {
    nothing: 'a rollback changes nothing (the run sent no config)',
    remove: `a rollback removes ${change.appName} (the run created it)`,
    restore: `a rollback puts back the config from before the run${change.previousStatus ? ` (then ${change.previousStatus})` : ''}`,
  }[rollback];
  return {
    app: change.appName,
    status: live?.status ?? null,
    running,
    rollback,
    text: `${now}; ${undo}`,
  };
}
