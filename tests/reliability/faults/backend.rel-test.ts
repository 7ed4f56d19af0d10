import type { FaultRowSpec } from '../harness/fault-row.js';
import { faultRows } from '../harness/fault-row.js';

const RECORDS = '/serve_applications/';

/** The Synapse backend failing while a deploy registers its app (every row has a job id). */
const ROWS: FaultRowSpec[] = [
  {
    id: 'F30',
    title: 'backend: two 503s on the registration POST',
    scenario: { register: true },
    accept: ['success'],
    arrange: (s) =>
      void s.dev.control.injectHttpFault({
        service: 'backend',
        method: 'POST',
        path: RECORDS,
        effect: 'error',
        times: 2,
      }),
  },
  {
    id: 'F31',
    title: 'backend: every registration POST answered 500',
    scenario: { register: true },
    accept: [1],
    arrange: (s) =>
      void s.dev.control.injectHttpFault({
        service: 'backend',
        method: 'POST',
        path: RECORDS,
        effect: 'error',
        status: 500,
      }),
  },
  {
    id: 'F32',
    title: 'backend: the registration POST slower than the 15 s client timeout (record created)',
    scenario: { register: true },
    accept: ['success'],
    arrange: (s) =>
      void s.dev.control.injectHttpFault({
        service: 'backend',
        method: 'POST',
        path: RECORDS,
        effect: 'slow',
        delayMs: 17_000,
        times: 1,
      }),
  },
  {
    id: 'F33',
    title: 'backend: the registration POST applied but its answer lost',
    scenario: { register: true },
    accept: ['success'],
    arrange: (s) =>
      void s.dev.control.injectHttpFault({
        service: 'backend',
        method: 'POST',
        path: RECORDS,
        effect: 'lost-response',
        times: 1,
      }),
  },
  {
    id: 'F34',
    title: 'backend: the record lookup answered 3 s late',
    scenario: { register: true },
    accept: ['success'],
    arrange: (s) =>
      void s.dev.control.injectHttpFault({
        service: 'backend',
        method: 'GET',
        path: RECORDS,
        effect: 'slow',
        delayMs: 3_000,
      }),
  },
  {
    id: 'F35',
    title: 'backend: every request answered 503 from the start',
    scenario: { register: true },
    accept: [3],
    arrange: (s) => void s.dev.control.injectHttpFault({ service: 'backend', effect: 'error' }),
  },
];

faultRows('backend faults', ROWS, import.meta.url);
