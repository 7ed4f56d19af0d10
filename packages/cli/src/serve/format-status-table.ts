import type {
  ApplicationDetails,
  DeploymentDetails,
  ServeInstanceDetails,
} from '@synapse-sdk/clients';

const HEADERS = [
  'APP',
  'STATUS',
  'ROUTE PREFIX',
  'DEPLOYMENT',
  'DEPLOYMENT STATUS',
  'REPLICAS',
  'MESSAGE',
];

/**
 * A readable table of Serve applications: one row per deployment (the app's columns on its
 * first row), replicas as `running/target`, and the app's (else the deployment's) message.
 */
export function formatStatusTable(
  applications: Readonly<Record<string, ApplicationDetails>>,
): string {
  const rows: string[][] = [];
  for (const [name, app] of Object.entries(applications).sort(([a], [b]) => a.localeCompare(b))) {
    const deployments = Object.entries(app.deployments ?? {});
    const appCells = [name, app.status, app.route_prefix ?? '-'];
    if (deployments.length === 0) {
      rows.push([...appCells, '-', '-', '-', firstLine(app.message)]);
      continue;
    }
    deployments.forEach(([deploymentName, deployment], index) => {
      rows.push([
        ...(index === 0 ? appCells : ['', '', '']),
        deploymentName,
        deployment.status ?? '-',
        replicaCount(deployment),
        firstLine(index === 0 && app.message ? app.message : deployment.message),
      ]);
    });
  }
  return table([HEADERS, ...rows]);
}

/** The applications of `details`, or only `app`; undefined when `app` is not among them. */
export function selectApplications(
  details: ServeInstanceDetails,
  app: string | undefined,
): Record<string, ApplicationDetails> | undefined {
  if (app === undefined) return details.applications;
  const found = details.applications[app];
  return found === undefined ? undefined : { [app]: found };
}

function replicaCount(deployment: DeploymentDetails): string {
  const replicas = deployment.replicas ?? [];
  const running = replicas.filter((r) => r.state === 'RUNNING').length;
  const configured = deployment.deployment_config?.['num_replicas'];
  const target =
    deployment.target_num_replicas ??
    (typeof configured === 'number' ? configured : replicas.length);
  return `${running}/${target}`;
}

function firstLine(text: string | null | undefined): string {
  return (text ?? '').split('\n')[0]?.trim() ?? '';
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
