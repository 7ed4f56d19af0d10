import { clockTime, dateTime, formatDuration } from '../render/format-time.js';
import { textTable } from '../render/text-table.js';
import { pluginLabel } from './run-meta.js';
import type { RunView, StepView } from './run-view.js';

const STEP_MARK: Record<StepView['status'], string> = {
  pending: '·',
  started: '…',
  succeeded: '✔',
  failed: '✖',
  skipped: '-',
  'rolling-back': '↺',
  'rolled-back': '↺',
  'rollback-failed': '!',
};

/**
 * `synapse runs show` for people: the run, each step and what it did, then `sections` (what
 * the cluster holds now and what a rollback would do, from the steps' own describers), then
 * what a resume would do.
 */
export function formatRun(view: RunView, sections: readonly string[] = []): string {
  const meta = view.meta;
  const lines = [`run ${view.runId}: ${view.needsAttention ? '! ' : ''}${view.text}`];
  if (meta) {
    lines.push(
      `  ${meta.command} ${meta.action} of ${pluginLabel(meta)} (${meta.plugin.dir}) on ${meta.rayAddress}`,
    );
  }
  const first = view.sessions[0]!;
  lines.push(
    `  started ${dateTime(view.startedAt)} on ${first.host}${first.user ? ` by ${first.user}` : ''}, last written ${dateTime(view.updatedAt)}`,
  );
  if (view.sessions.length > 1) {
    lines.push(
      `  sessions: ${view.sessions
        .map((s) => `${s.mode} ${clockTime(new Date(s.startedAt))} → ${s.outcome ?? 'no end'}`)
        .join(', ')}`,
    );
  }
  if (view.damaged) {
    lines.push(`  journal: line ${view.damaged.line} unreadable (${view.damaged.reason})`);
  }
  lines.push('steps:');
  const running = view.status === 'running';
  lines.push(
    indent(
      textTable(
        view.steps.map((step) => [STEP_MARK[step.status], step.name, stepText(step, running)]),
      ),
      '  ',
    ),
  );
  for (const section of sections) lines.push(section.trimEnd());
  lines.push(resumeText(view));
  return `${lines.join('\n')}\n`;
}

function stepText(step: StepView, running: boolean): string {
  const took =
    step.startedAt && step.endedAt
      ? ` in ${formatDuration(Date.parse(step.endedAt) - Date.parse(step.startedAt))}`
      : '';
  const attempts = step.attempts > 1 ? ` (${step.attempts} attempts)` : '';
  switch (step.status) {
    case 'pending':
      return 'not run';
    case 'succeeded':
      return step.reused ? 'succeeded (reused on resume)' : `succeeded${took}${attempts}`;
    case 'failed':
      return `failed${attempts}: ${firstLine(step.error ?? 'unknown error')}`;
    case 'skipped':
      return 'skipped';
    case 'started': {
      const state = running ? 'running' : 'interrupted';
      const began = step.startedAt ? `, began ${clockTime(new Date(step.startedAt))}` : '';
      const last = step.writeAheads.at(-1);
      const wrote = last
        ? `; last wrote ahead ${last.kind} at ${clockTime(new Date(last.at))}`
        : '; wrote nothing ahead';
      return `${state} (attempt ${step.attempts}${began})${wrote}${step.resumable ? '' : ' (not resumable)'}`;
    }
    case 'rolling-back':
      return running ? 'rolling back' : 'rollback interrupted';
    case 'rolled-back':
      return 'rolled back';
    case 'rollback-failed':
      return `rollback failed: ${firstLine(step.rollbackError ?? 'unknown error')}`;
  }
}

function resumeText(view: RunView): string {
  if (view.resume.refusal) return `resume: not possible: ${view.resume.refusal}`;
  const reused = view.resume.steps.filter((s) => s.action === 'reuse').map((s) => s.name);
  const run = view.resume.steps.filter((s) => s.action === 'run').map((s) => s.name);
  const parts = [];
  if (reused.length > 0) parts.push(`reuses ${reused.join(', ')} from the journal`);
  if (run.length > 0) parts.push(`runs ${run.join(', ')}`);
  return `resume (synapse runs resume ${view.runId}): ${parts.join(', then ')}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}
