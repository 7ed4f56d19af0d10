import { differences } from '../harness/cluster-state.js';
import type { FaultRowSpec } from '../harness/fault-row.js';
import { APP, faultRows } from '../harness/fault-row.js';
import { afterPutAnswered, MOMENTS, signalAt } from '../harness/moments.js';
import { errorLine } from '../harness/verdict.js';

const APPS = '/api/serve/applications/';

/** Exit 130 with the pre-run state, or exit 4 whose line names the app and its state. */
function cancelledTruthfully(first: Parameters<NonNullable<FaultRowSpec['checkFirst']>>[0]) {
  const changes = differences(first.before, first.after);
  if (first.run.code === 130)
    return changes.length === 0 ? [] : [`first run exit 130 but: ${changes.join('; ')}`];
  if (first.run.code === 4) {
    const line = errorLine(first.run) ?? '';
    return line.includes(APP) && /left|is (RUNNING|DEPLOYING|DEPLOY_FAILED|UPDATING)/.test(line)
      ? []
      : [`first run exit 4 without saying what is left: ${line}`];
  }
  return [`first run exit ${first.run.code ?? first.run.signal}, not 130 or 4`];
}

const ONCE: FaultRowSpec[] = MOMENTS.map((moment, index) => ({
  group: 'signal',
  id: `S0${index + 1}`,
  title: `SIGINT ${moment.name}`,
  ...(moment.scenario === undefined ? {} : { scenario: moment.scenario }),
  accept: [130],
  arrange: (s) => moment.arrange(s),
  during: signalAt(moment, 'SIGINT'),
}));

const TWICE: FaultRowSpec[] = [
  {
    group: 'signal',
    id: 'S06',
    title: 'SIGINT twice 10 ms apart during the wait, then a re-run',
    scenario: { timings: { buildTimeMs: 3_000 } },
    accept: ['success'],
    rerun: true,
    during: async (s, running, startSeq) => {
      await afterPutAnswered(s, startSeq);
      running.signal('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 10));
      running.signal('SIGINT');
    },
    checkFirst: cancelledTruthfully,
  },
  {
    group: 'signal',
    id: 'S07',
    title: "SIGINT during the wait, SIGINT again during the rollback's PUT, then a re-run",
    scenario: { timings: { buildTimeMs: 3_000 } },
    accept: ['success'],
    rerun: true,
    arrange: (s) =>
      void s.dev.control.injectHttpFault({
        method: 'PUT',
        path: APPS,
        effect: 'slow',
        delayMs: 3_000,
        skip: 1,
        times: 1,
      }),
    during: async (s, running, startSeq) => {
      await afterPutAnswered(s, startSeq);
      running.signal('SIGINT');
      await s.until(
        () =>
          s.dev.control.requests(startSeq).filter((r) => r.method === 'PUT' && r.path === APPS)
            .length >= 2,
        60_000,
      );
      running.signal('SIGINT');
    },
    checkFirst: (first) =>
      first.run.code === 4
        ? cancelledTruthfully(first)
        : [
            `first run exit ${first.run.code ?? first.run.signal}; a second Ctrl-C during the rollback should exit 4`,
          ],
  },
];

faultRows('SIGINT', [...ONCE, ...TWICE], import.meta.url);
