// Prints the rows as a table, checks CI bounds, and writes the README's Performance table.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from './paths.js';
import { within } from './rows.js';

const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

function status(row) {
  if (row.goal.text.startsWith('informational')) return 'info';
  return within(row.value, row.goal) ? 'met' : `not yet${row.part ? ` (${row.part})` : ''}`;
}

/** A markdown table of the rows (also readable in a terminal). */
export function markdownTable(rows) {
  const header = ['workload', 'synapse-sdk (TS)', 'anchor', 'ratio / figure', 'goal', 'status'];
  const lines = [header, header.map(() => '---')];
  for (const r of rows) {
    lines.push([`${r.group}: ${r.workload}`, r.ours, r.anchor, r.ratio, r.goal.text, status(r)]);
  }
  return lines
    .map((cells) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`)
    .join('\n');
}

/** Rows outside their CI bound. */
export function ciFailures(rows) {
  return rows.filter((r) => !within(r.value, r.ci));
}

/** Replaces the README's generated Performance table with one from `rows`. */
export function writeReadmeTable(rows, machine) {
  const path = join(REPO_ROOT, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start)
    throw new Error(`README.md has no ${README_START} … ${README_END} block`);
  const block = [
    README_START,
    '',
    `Measured by \`pnpm bench\` on ${machine.date}: ${machine.cpus} cores, load ${machine.loadBefore}–${machine.loadAfter} ` +
      `(1-min average, machine shared), Node ${machine.node}; medians of ${machine.repeats} runs.`,
    '',
    markdownTable(rows),
    '',
    README_END,
  ].join('\n');
  writeFileSync(path, readme.slice(0, start) + block + readme.slice(end + README_END.length));
  // The table as prettier aligns it, so `format:check` passes.
  const prettier = join(REPO_ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
  spawnSync(process.execPath, [prettier, '--write', path], { stdio: 'ignore' });
}
