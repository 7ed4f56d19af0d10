import { describe, expect, it } from '@jest/globals';

import { formatStatusTable, selectApplications } from './format-status-table.js';

describe('formatStatusTable', () => {
  it('puts one row per deployment, replicas as running/target, the first message line', () => {
    const table = formatStatusTable({
      web: {
        status: 'DEPLOYING',
        route_prefix: '/web',
        message: 'building\nmore',
        deployments: {
          Ingress: {
            status: 'UPDATING',
            target_num_replicas: 2,
            replicas: [{ state: 'RUNNING' }, { state: 'STARTING' }],
          },
          Model: {
            status: 'HEALTHY',
            deployment_config: { num_replicas: 1 },
            replicas: [{ state: 'RUNNING' }],
          },
        },
      },
      api: {
        status: 'DEPLOY_FAILED',
        route_prefix: null,
        message: 'ImportError: x',
        deployments: {},
      },
    });
    expect(table.split('\n')).toEqual([
      'APP  STATUS         ROUTE PREFIX  DEPLOYMENT  DEPLOYMENT STATUS  REPLICAS  MESSAGE',
      'api  DEPLOY_FAILED  -             -           -                  -         ImportError: x',
      'web  DEPLOYING      /web          Ingress     UPDATING           1/2       building',
      '                                  Model       HEALTHY            1/1',
    ]);
  });

  it('selects one application or reports it missing', () => {
    const details = { applications: { a: { status: 'RUNNING' } } };
    expect(selectApplications(details, 'a')).toEqual({ a: { status: 'RUNNING' } });
    expect(selectApplications(details, 'b')).toBeUndefined();
    expect(selectApplications(details, undefined)).toBe(details.applications);
  });
});
