import type { FaultRowSpec } from '../harness/fault-row.js';
import { APP, faultRows, V1 } from '../harness/fault-row.js';

/** The new version failing on the cluster: builds, replicas, runtime env, a rollout that never ends, health checks. */
const ROWS: FaultRowSpec[] = [
  {
    id: 'F20',
    title: 'a new app whose build fails',
    existing: false,
    accept: [1],
    arrange: (s) => void s.dev.control.injectFault({ kind: 'build-error', app: APP }),
  },
  {
    id: 'F21',
    title: 'an update whose build fails',
    accept: [1],
    arrange: (s) => void s.dev.control.injectFault({ kind: 'build-error', app: APP }),
  },
  {
    id: 'F22',
    title: 'an in-place update whose replicas fail to start',
    version: { marker: V1.marker, numCpus: 1 },
    accept: [1],
    // This version's replicas fail (once): the v1 config put back starts again, as on Ray
    // (docs/ray-serve-rest.md#update-classes).
    arrange: (s) =>
      void s.dev.control.injectFault({ kind: 'replica-startup-failure', app: APP, once: true }),
  },
  {
    id: 'F23',
    title: 'an update whose runtime env fails to set up',
    accept: [1],
    arrange: (s) => void s.dev.control.injectFault({ kind: 'runtime-env-error', app: APP }),
  },
  {
    id: 'F24',
    title: 'a rollout stuck on resources, --timeout 25s: progress lines, then rolled back',
    accept: [124],
    args: ['--timeout', '25s'],
    arrange: (s) =>
      void s.dev.control.injectFault({
        kind: 'insufficient-resources',
        app: APP,
        deployment: 'ModelV2',
      }),
    plugin: { className: 'ModelV2' },
    check: (run) => {
      const problems: string[] = [];
      const waiting = run.stderr.split('\n').filter((line) => / of 25s\b/.test(line));
      if (
        !waiting.some((line) => /DEPLOYING|UPDATING/.test(line) && /\d+\/\d+ replicas/.test(line))
      )
        problems.push('no progress line with the status, replicas ready and elapsed of 25s');
      if (!/--timeout 25(\.0)?s elapsed: cancelling/.test(run.stderr))
        problems.push('no line saying that --timeout 25s elapsed and the run is cancelled');
      return problems;
    },
  },
  {
    id: 'F25',
    title: 'UNHEALTHY right after RUNNING, during the registration',
    scenario: { register: true },
    accept: [1],
    plugin: { className: 'ModelV2' },
    arrange: (s) => {
      s.dev.control.addTrigger({
        after: { request: { service: 'backend', method: 'GET', path: '/serve_applications/' } },
        then: { fault: { kind: 'unhealthy', app: APP, deployment: 'ModelV2' } },
      });
    },
  },
  {
    id: 'F26',
    title: 'UNHEALTHY 1 s after RUNNING, before the CLI exits',
    accept: ['success', 1],
    plugin: { className: 'ModelV2' },
    arrange: (s) =>
      void s.dev.control.injectFault({
        kind: 'unhealthy',
        app: APP,
        deployment: 'ModelV2',
        afterMs: 1_000,
      }),
  },
];

faultRows('Serve faults', ROWS, import.meta.url);
