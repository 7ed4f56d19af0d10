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

  it('fits a width: shorter headers, a shorter message, else no message and cut names', () => {
    const route = '/4cd297619fd9d1d6cc0a5c1cd527f9d5';
    const apps = {
      'custom-steps@1.0.0': {
        status: 'DEPLOY_FAILED',
        route_prefix: route,
        message:
          "Deploying app 'custom-steps@1.0.0' failed with exception: RuntimeError: no weights",
        deployments: {
          ObjectDetector: {
            status: 'DEPLOY_FAILED',
            target_num_replicas: 1,
            replicas: [],
          },
        },
      },
      'step-based@1.0.0': {
        status: 'RUNNING',
        route_prefix: route,
        deployments: {
          SentimentModel: {
            status: 'HEALTHY',
            target_num_replicas: 1,
            replicas: [{ state: 'RUNNING' }],
          },
        },
      },
    };
    const wide = formatStatusTable(apps).split('\n');
    const at80 = formatStatusTable(apps, 80).split('\n');
    const at40 = formatStatusTable(apps, 40).split('\n');
    expect(Math.max(...wide.map((line) => line.length))).toBeGreaterThan(80);
    expect(at80).toEqual([
      'APP                 STATUS         ROUTE   DEPLOYMENT    DEPL. STATUS   REPLICAS',
      'custom-steps@1.0.0  DEPLOY_FAILED  /4cd2…  ObjectDetec…  DEPLOY_FAILED  0/1',
      'step-based@1.0.0    RUNNING        /4cd2…  SentimentMo…  HEALTHY        1/1',
      '(messages left out to fit 80 columns; -o yaml shows them in full)',
    ]);
    expect(formatStatusTable(apps, 120).split('\n')[1]).toBe(
      "custom-steps@1.0.0  DEPLOY_FAILED  /4cd2…  ObjectDetector  DEPLOY_FAILED  0/1       Deploying app 'custom-steps@1.0.0' …",
    );
    expect(at80.every((line) => line.length <= 80)).toBe(true);
    expect(at40.every((line) => line.length <= 40)).toBe(true);
  });

  it('leaves an empty message column out without a note', () => {
    const apps = {
      'custom-steps@1.0.0': {
        status: 'RUNNING',
        route_prefix: '/4cd297619fd9d1d6cc0a5c1cd527f9d5',
        deployments: {
          ObjectDetector: {
            status: 'HEALTHY',
            target_num_replicas: 1,
            replicas: [{ state: 'RUNNING' }],
          },
        },
      },
    };
    expect(formatStatusTable(apps, 80).split('\n')).toEqual([
      'APP                 STATUS   ROUTE        DEPLOYMENT      DEPL. STATUS  REPLICAS',
      'custom-steps@1.0.0  RUNNING  /4cd297619…  ObjectDetector  HEALTHY       1/1',
    ]);
  });

  it('selects one application or reports it missing', () => {
    const details = { applications: { a: { status: 'RUNNING' } } };
    expect(selectApplications(details, 'a')).toEqual({ a: { status: 'RUNNING' } });
    expect(selectApplications(details, 'b')).toBeUndefined();
    expect(selectApplications(details, undefined)).toBe(details.applications);
  });
});
