import type { FaultRowSpec } from '../harness/fault-row.js';
import { faultRows } from '../harness/fault-row.js';
import { MOMENTS, signalAt } from '../harness/moments.js';

/** Killed with SIGKILL at each moment, then the same command again: it must converge. */
const ROWS: FaultRowSpec[] = MOMENTS.map((moment, index) => ({
  group: 'kill',
  id: `K0${index + 1}`,
  title: `SIGKILL ${moment.name}, then a re-run`,
  ...(moment.scenario === undefined ? {} : { scenario: moment.scenario }),
  accept: ['success'],
  rerun: true,
  arrange: (s) => moment.arrange(s),
  during: signalAt(moment, 'SIGKILL'),
  checkFirst: ({ run }) =>
    run.signal === 'SIGKILL' ? [] : [`the first run was not killed (exit ${run.code})`],
  beforeRerun: (s) => s.dev.control.clearHttpFaults(),
}));

faultRows('SIGKILL and a re-run', ROWS, import.meta.url);
