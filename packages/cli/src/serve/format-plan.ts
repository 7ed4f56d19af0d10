import type { DeploymentPlan, FieldChange } from '@synapse-sdk/steps';

import { toJson } from '../render/to-json.js';

const CHANGE_TEXT: Record<DeploymentPlan['change'], string> = {
  added: 'app added (not deployed yet)',
  unchanged: 'unchanged (a deploy would change nothing)',
  'updated-in-place': 'updated in place (no rebuild; replicas keep running)',
  'code-change': 'code change (the app is rebuilt and its replicas restart)',
};

// A value longer than this is cut: -o json shows it whole.
const MAX_VALUE_CHARS = 100;

const CHANGE_MARK: Record<FieldChange['change'], string> = {
  added: '+',
  removed: '-',
  changed: '~',
};

/**
 * A deployment plan for humans: the app, the kind of change, each changed field with its old
 * and new value (secrets masked), other apps, warnings.
 */
export function formatPlan(plan: DeploymentPlan, address: string): string {
  const lines = [
    `plan for ${plan.appName} (route ${plan.routePrefix}) on ${address}`,
    `  change: ${CHANGE_TEXT[plan.change] ?? plan.change}`,
  ];
  if (plan.previous !== null && plan.changes.length > 0) {
    lines.push('  changed fields (old → new):', ...plan.changes.map(formatChange));
  }
  if (plan.uploadNeeded) lines.push('  package: uploaded first (not on the cluster yet)');
  lines.push(
    `  other apps kept: ${plan.otherApps.length > 0 ? plan.otherApps.join(', ') : 'none'}`,
  );
  if (plan.warnings.length > 0) {
    lines.push('  warnings:', ...plan.warnings.map((warning) => `    ! ${warning}`));
  }
  lines.push('nothing was changed');
  return `${lines.join('\n')}\n`;
}

/** `    ~ field: old → new`, `    + field: new`, `    - field: old (removed)`. */
export function formatChange(change: FieldChange): string {
  const head = `    ${CHANGE_MARK[change.change]} ${change.field}:`;
  const masked = change.masked ? ' (secret, masked)' : '';
  if (change.change === 'added') return `${head} ${formatValue(change.after)}${masked}`;
  if (change.change === 'removed')
    return `${head} ${formatValue(change.before)} (removed)${masked}`;
  return `${head} ${formatValue(change.before)} → ${formatValue(change.after)}${masked}`;
}

function formatValue(value: unknown): string {
  const text = toJson(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}
