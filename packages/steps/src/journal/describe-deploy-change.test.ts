import { describe, expect, it } from '@jest/globals';
import type { ApplicationDetails } from '@synapse-sdk/clients';

import type { DeployChange } from '../deploy/deploy-change.js';
import { describeDeployChange } from './describe-deploy-change.js';

const v1 = { name: 'app', import_path: 'm:app', deployments: [{ name: 'M', num_replicas: 1 }] };
const v2 = { ...v1, deployments: [{ name: 'M', num_replicas: 2 }] };
const live = (config: unknown): ApplicationDetails =>
  ({ status: 'RUNNING', deployed_app_config: config }) as unknown as ApplicationDetails;
const change = (previousConfig: DeployChange['previousConfig']): DeployChange => ({
  appName: 'app',
  appliedConfig: v2,
  previousConfig,
  previousStatus: previousConfig ? 'RUNNING' : null,
  rayVersion: '2.58.0',
});

describe('describeDeployChange', () => {
  it('tells which config runs and what a rollback would do', () => {
    expect(describeDeployChange(change(v1), live(v2))).toMatchObject({
      running: 'this run',
      rollback: 'restore',
      text: "app runs this run's config (RUNNING); a rollback puts back the config from before the run (then RUNNING)",
    });
    expect(describeDeployChange(change(v1), live(v1))).toMatchObject({
      running: 'before the run',
      rollback: 'restore',
    });
    expect(describeDeployChange(change(null), live(v2))).toMatchObject({
      running: 'this run',
      rollback: 'remove',
      text: "app runs this run's config (RUNNING); a rollback removes app (the run created it)",
    });
    const other = { ...v1, deployments: [{ name: 'M', num_replicas: 5 }] };
    expect(describeDeployChange(change(v1), live(other)).running).toBe('other');
    expect(describeDeployChange(change(null), undefined)).toMatchObject({
      status: null,
      running: 'absent',
      text: 'app is not on the cluster; a rollback removes app (the run created it)',
    });
  });
});
