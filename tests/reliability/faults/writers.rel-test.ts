import type { ClusterSnapshot } from '../harness/cluster-state.js';
import type { FaultRowSpec } from '../harness/fault-row.js';
import { APP, faultRows, V1 } from '../harness/fault-row.js';
import type { Scenario } from '../harness/scenario.js';
import { errorLine } from '../harness/verdict.js';

const APPS = '/api/serve/applications/';
const AFTER_PUT = { request: { method: 'PUT', path: APPS } } as const;

/** A restart wipes every app; a truthful end can only be judged on the app of the run. */
const onlyOurApp = (before: ClusterSnapshot): ClusterSnapshot => ({
  ...before,
  apps: Object.fromEntries(Object.entries(before.apps).filter(([name]) => name === APP)),
});

/** Other writers on the cluster, and the head restarting under a deploy. */
const ROWS: FaultRowSpec[] = [
  {
    id: 'F40',
    title: 'a foreign writer drops the app during the wait',
    accept: ['success'],
    arrange: (s) =>
      void s.dev.control.addTrigger({ after: AFTER_PUT, then: { dropApp: { name: APP } } }),
  },
  {
    id: 'F41',
    title: 'a foreign writer drops the app as soon as it is RUNNING',
    accept: ['success', 1],
    arrange: (s) =>
      void s.dev.control.addTrigger({
        after: AFTER_PUT,
        then: {
          trigger: {
            after: { appStatus: { app: APP, status: 'RUNNING' } },
            then: { dropApp: { name: APP } },
          },
        },
      }),
  },
  {
    id: 'F42',
    title: 'a foreign writer puts the previous config back during the wait',
    accept: ['success', 1],
    arrange: (s) => {
      const live = s.dev.control.serveDetails()['applications'] as Record<
        string,
        { deployed_app_config: unknown }
      >;
      s.dev.control.addTrigger({
        after: AFTER_PUT,
        then: {
          foreignPut: { applications: Object.values(live).map((app) => app.deployed_app_config) },
        },
      });
    },
  },
  {
    id: 'F43',
    title: 'the head restarts during the wait (Serve apps and packages gone, new session)',
    accept: ['success'],
    preRun: onlyOurApp,
    arrange: (s) => void s.dev.control.addTrigger({ after: AFTER_PUT, then: { restart: {} } }),
  },
  {
    id: 'F44',
    title: 'the head restarts during the wait, keeping its state (GCS fault tolerance)',
    accept: ['success'],
    arrange: (s) =>
      void s.dev.control.addTrigger({ after: AFTER_PUT, then: { restart: { keepState: true } } }),
  },
  {
    id: 'F45',
    title:
      "the build fails and the head restarts as the rollback starts: v1's package is uploaded again from the journal",
    accept: [1],
    preRun: onlyOurApp,
    arrange: (s) => restartAsTheRollbackStarts(s),
  },
  {
    id: 'F47',
    title:
      "as F45 with --no-journal: v1's package is gone and nothing kept it, so exit 4 says what is left",
    accept: [{ stated: 4 }],
    preRun: onlyOurApp,
    args: ['--no-journal'],
    arrange: (s) => restartAsTheRollbackStarts(s),
    check: (run) => {
      const line = errorLine(run) ?? '';
      return line.includes(APP) &&
        /_ray_pkg_\w+\.zip/.test(line) &&
        /gone|missing|not on the cluster/.test(line)
        ? []
        : [
            `exit ${String(run.code)} without saying what is left (the app, its missing package): ${line}`,
          ];
    },
  },
  {
    id: 'F46',
    title: 'the head restarts between two runs: the unchanged v1 is deployed again',
    version: V1,
    accept: ['success'],
    arrange: async (s) => {
      await s.dev.control.restart();
      await s.seedBystander();
    },
  },
];

/** v2's build fails once; the head restarts (wiping apps and packages) as v2 turns DEPLOY_FAILED. */
function restartAsTheRollbackStarts(s: Scenario): void {
  s.dev.control.injectFault({ kind: 'build-error', app: APP, once: true });
  s.dev.control.addTrigger({
    after: { appStatus: { app: APP, status: 'DEPLOY_FAILED' } },
    then: { restart: {} },
  });
}

faultRows('writers and restarts', ROWS, import.meta.url);
