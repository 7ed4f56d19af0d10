import type {
  ApplicationDetails,
  DeploymentDetails,
  ServeInstanceDetails,
} from '@synapse-sdk/clients';

/**
 * The table's columns: the header, a shorter one for narrow terminals, and how far a column may
 * shrink (cells are cut with `…`); the status and replica columns never shrink.
 */
const COLUMNS: readonly { header: string; short: string; min?: number }[] = [
  { header: 'APP', short: 'APP', min: 10 },
  { header: 'STATUS', short: 'STATUS' },
  { header: 'ROUTE PREFIX', short: 'ROUTE', min: 6 },
  { header: 'DEPLOYMENT', short: 'DEPLOYMENT', min: 10 },
  { header: 'DEPLOYMENT STATUS', short: 'DEPL. STATUS' },
  { header: 'REPLICAS', short: 'REPLICAS' },
  { header: 'MESSAGE', short: 'MESSAGE' },
];

const [APP, ROUTE, DEPLOYMENT, MESSAGE] = [0, 2, 3, 6] as const;
// A message cut shorter than this says nothing: the column is left out instead.
const MIN_MESSAGE_WIDTH = 20;
const GAP = 2;

/**
 * A readable table of Serve applications: one row per deployment (the app's columns on its
 * first row), replicas as `running/target`, and the app's (else the deployment's) message.
 * With `width` (the terminal's columns) no line is longer: shorter headers, then a shorter
 * message; when too little is left for it the message column is left out (with a note when
 * it had any) and the route prefix, then the names, are cut with `…`.
 */
export function formatStatusTable(
  applications: Readonly<Record<string, ApplicationDetails>>,
  width?: number,
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
  return table(rows, width);
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

function table(rows: readonly string[][], width: number | undefined): string {
  const full = COLUMNS.map((c) => c.header);
  if (width === undefined || totalWidth(naturalWidths(full, rows)) <= width) {
    return render([full, ...rows], naturalWidths(full, rows), width);
  }
  // Too wide: shorter headers; the route prefix (a long hash) gives way first, and the message
  // takes what is left if that is enough to read.
  const headers = COLUMNS.map((c) => c.short);
  const widths = naturalWidths(headers, rows);
  const excess = shrink(widths, [ROUTE], totalWidth(widths) - width);
  if (excess <= 0 || widths[MESSAGE]! - excess >= MIN_MESSAGE_WIDTH) {
    widths[MESSAGE]! -= Math.max(0, excess);
    return render([headers, ...rows], widths, width);
  }
  // Not enough: leave the message column out, then cut the route prefix and the names.
  const narrow = [headers, ...rows].map((row) => row.slice(0, MESSAGE));
  const narrowWidths = naturalWidths(headers.slice(0, MESSAGE), rows);
  shrink(narrowWidths, [ROUTE, DEPLOYMENT, APP], totalWidth(narrowWidths) - width);
  const dropped = rows.some((row) => row[MESSAGE] !== '');
  const note = dropped
    ? `\n${cut(`(messages left out to fit ${width} columns; -o yaml shows them in full)`, width)}`
    : '';
  return render(narrow, narrowWidths, width) + note;
}

/** Takes up to `excess` columns from `columns` in turn, down to their minimums; returns what is left. */
function shrink(widths: number[], columns: readonly number[], excess: number): number {
  for (const column of columns) {
    const give = Math.max(0, Math.min(excess, widths[column]! - COLUMNS[column]!.min!));
    widths[column]! -= give;
    excess -= give;
  }
  return excess;
}

function naturalWidths(headers: readonly string[], rows: readonly string[][]): number[] {
  return headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column]!.length)),
  );
}

function totalWidth(widths: readonly number[]): number {
  return widths.reduce((sum, w) => sum + w, 0) + GAP * (widths.length - 1);
}

function render(
  rows: readonly string[][],
  widths: readonly number[],
  width: number | undefined,
): string {
  return rows
    .map((row) => {
      const line = row
        .map((cell, column) => {
          const fitted = cut(cell, widths[column]!);
          return column === row.length - 1 ? fitted : fitted.padEnd(widths[column]!);
        })
        .join(' '.repeat(GAP))
        .trimEnd();
      // Narrower than the columns' minimums: cut the line itself rather than let it wrap.
      return width === undefined ? line : cut(line, width);
    })
    .join('\n');
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
