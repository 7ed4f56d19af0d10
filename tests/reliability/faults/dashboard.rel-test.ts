import type { FaultRowSpec } from '../harness/fault-row.js';
import { APP, faultRows } from '../harness/fault-row.js';

const APPS = '/api/serve/applications/';

/** The Ray dashboard failing around a deploy: down, 503s, slow or lost answers. */
const ROWS: FaultRowSpec[] = [
  {
    id: 'F01',
    title: 'dashboard down for the whole run',
    accept: [3],
    arrange: (s) => s.dev.control.dashboardDown(),
  },
  {
    id: 'F02',
    title: 'dashboard down for the first 3 s of the run',
    accept: ['success'],
    arrange: (s) => s.dev.control.dashboardDown(3_000),
  },
  {
    id: 'F03',
    title: 'dashboard down 3 s during the wait (right after the PUT)',
    accept: ['success'],
    arrange: (s) => {
      s.dev.control.addTrigger({
        after: { request: { method: 'PUT', path: APPS } },
        then: { dashboardDown: { ms: 3_000 } },
      });
    },
  },
  {
    id: 'F04',
    title: 'dashboard down 20 s during the wait',
    accept: ['success'],
    arrange: (s) => {
      s.dev.control.addTrigger({
        after: { request: { method: 'PUT', path: APPS } },
        then: { dashboardDown: { ms: 20_000 } },
      });
    },
  },
  {
    id: 'F05',
    title: 'build fails, dashboard down 3 s at the start of the rollback',
    accept: [1],
    arrange: (s) => {
      s.dev.control.injectFault({ kind: 'build-error', app: APP });
      s.dev.control.addTrigger({
        after: { appStatus: { app: APP, status: 'DEPLOY_FAILED' } },
        then: { dashboardDown: { ms: 3_000 } },
      });
    },
  },
  {
    id: 'F06',
    title: "build fails, dashboard down 3 s during the rollback (after the rollback's PUT)",
    accept: [1],
    arrange: (s) => {
      s.dev.control.injectFault({ kind: 'build-error', app: APP });
      s.dev.control.addTrigger({
        after: { request: { method: 'PUT', path: APPS, nth: 2 } },
        then: { dashboardDown: { ms: 3_000 } },
      });
    },
  },
  {
    id: 'F07',
    title: 'a burst of five 503s on GET of the applications',
    accept: ['success'],
    arrange: (s) => {
      s.dev.control.injectHttpFault({
        method: 'GET',
        path: APPS,
        effect: 'error',
        skip: 2,
        times: 5,
      });
    },
  },
  {
    id: 'F08',
    title: 'three 503s on the PUT of the Serve config',
    accept: ['success'],
    arrange: (s) => {
      s.dev.control.injectHttpFault({ method: 'PUT', path: APPS, effect: 'error', times: 3 });
    },
  },
  {
    id: 'F09',
    title: 'three GETs of the applications answered 3 s late',
    accept: ['success'],
    arrange: (s) => {
      s.dev.control.injectHttpFault({
        method: 'GET',
        path: APPS,
        effect: 'slow',
        delayMs: 3_000,
        skip: 1,
        times: 3,
      });
    },
  },
  {
    id: 'F10',
    title: 'the PUT answered 4 s late',
    accept: ['success'],
    arrange: (s) => {
      s.dev.control.injectHttpFault({ method: 'PUT', path: APPS, effect: 'slow', delayMs: 4_000 });
    },
  },
  {
    id: 'F11',
    title: 'the PUT applied but its answer lost (connection dropped)',
    accept: ['success'],
    arrange: (s) => {
      s.dev.control.injectHttpFault({
        method: 'PUT',
        path: APPS,
        effect: 'lost-response',
        times: 1,
      });
    },
  },
  {
    id: 'F12',
    title: 'every dashboard API request answered 503 from the start',
    accept: [3],
    arrange: (s) => {
      s.dev.control.injectHttpFault({ path: '/api/*', effect: 'error' });
    },
  },
  {
    id: 'F13',
    title: 'three 503s on the package upload',
    accept: ['success'],
    arrange: (s) => {
      s.dev.control.injectHttpFault({
        method: 'PUT',
        path: '/api/packages/*',
        effect: 'error',
        times: 3,
      });
    },
  },
  {
    id: 'F14',
    title: 'the package upload applied but its answer lost',
    accept: ['success'],
    arrange: (s) => {
      s.dev.control.injectHttpFault({
        method: 'PUT',
        path: '/api/packages/*',
        effect: 'lost-response',
        times: 1,
      });
    },
  },
];

faultRows('dashboard faults', ROWS, import.meta.url);
