import { dateTime } from '../render/format-time.js';
import { textTable } from '../render/text-table.js';
import { toJson } from '../render/to-json.js';
import type { HistoryView } from './revision-view.js';

/** `synapse serve history` for people: one row per revision, the live one marked. */
export function formatHistory(view: HistoryView): string {
  if (view.revisions.length === 0) {
    return `no revision of ${view.app} on ${view.address} was deployed through synapse (as far as this state directory knows)\n`;
  }
  const rows = [
    ['', 'REV', 'DEPLOYED', 'RELEASE', 'PARAMS', 'CONFIG', 'OUTCOME', 'RUN', 'WHERE'],
    ...view.revisions.map((revision) => [
      revision.live ? '*' : '',
      String(revision.revision),
      dateTime(revision.at),
      revision.release,
      toJson(revision.params),
      revision.configHash,
      revision.command === 'serve rollback' ? `${revision.outcome} (rollback)` : revision.outcome,
      revision.runId,
      revision.user ? `${revision.user}@${revision.host}` : revision.host,
    ]),
  ];
  const lines = [textTable(rows)];
  if (view.drift) {
    lines.push(
      `! drift: the config ${view.app} runs now matches no revision (it was changed outside synapse)`,
    );
  } else if (view.live === null) {
    lines.push(`${view.app} is not on ${view.address} now`);
  } else {
    lines.push(`* live: revision ${view.live}`);
  }
  return `${lines.join('\n')}\n`;
}
