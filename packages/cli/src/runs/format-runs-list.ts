import { dateTime } from '../render/format-time.js';
import { textTable } from '../render/text-table.js';
import type { RunSummary } from './run-summary.js';

/** The runs as a table, newest first, with a hint when some need attention. */
export function formatRunsList(runs: readonly RunSummary[], location: string): string {
  if (runs.length === 0) return `no runs recorded in ${location}\n`;
  const rows = [
    ['RUN', 'STARTED', 'ACTION', 'PLUGIN', 'CLUSTER', 'STEPS', 'STATUS'],
    ...runs.map((run) => [
      run.runId,
      dateTime(run.startedAt),
      run.action ?? '-',
      run.plugin,
      run.rayAddress ?? '-',
      `${run.stepsDone}/${run.stepsTotal}`,
      `${run.needsAttention ? '! ' : ''}${run.statusText}`,
    ]),
  ];
  const lines = [textTable(rows)];
  if (runs.some((run) => run.needsAttention)) {
    lines.push(
      "! may have left the cluster changed: see 'synapse runs show RUN', then 'synapse runs rollback RUN' or 'synapse runs resume RUN'",
    );
  }
  return `${lines.join('\n')}\n`;
}
