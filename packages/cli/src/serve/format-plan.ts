import type { DeploymentPlan } from '@synapse-sdk/steps';

const CHANGE_TEXT: Record<DeploymentPlan['change'], string> = {
  added: 'app added (not deployed yet)',
  unchanged: 'unchanged (a deploy would change nothing)',
  'updated-in-place': 'updated in place (no rebuild; replicas keep running)',
  'code-change': 'code change (the app is rebuilt and its replicas restart)',
};

/** A deployment plan for humans: the app, the kind of change, changed fields, other apps, warnings. */
export function formatPlan(plan: DeploymentPlan, address: string): string {
  const lines = [
    `plan for ${plan.appName} (route ${plan.routePrefix}) on ${address}`,
    `  change: ${CHANGE_TEXT[plan.change] ?? plan.change}`,
  ];
  if (plan.changedFields.length > 0) {
    lines.push('  changed fields:', ...plan.changedFields.map((field) => `    - ${field}`));
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
