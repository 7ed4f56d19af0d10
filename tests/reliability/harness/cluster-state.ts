import { isDeepStrictEqual } from 'node:util';

import type { DevServerControl } from '@synapse-sdk/devserver';

/** One Serve application as the suite compares it. */
export interface AppSnapshot {
  status: string;
  /** `deployed_app_config` as the dashboard reports it. */
  config: Record<string, unknown> | undefined;
  /** The serve_app.py marker in the package it runs from; `missing` when the package is gone. */
  marker: string;
  /** `num_cpus` of its deployment override, when it has one. */
  numCpus: number | undefined;
}

/** What a run can change: the Serve applications and the backend's records. */
export interface ClusterSnapshot {
  apps: Record<string, AppSnapshot>;
  records: { id: number; name: string; plugin_release: number }[];
}

/** The cluster and backend as they are now, read through the devserver's control (no request). */
export function snapshot(control: DevServerControl): ClusterSnapshot {
  const apps: Record<string, AppSnapshot> = {};
  const details = control.serveDetails()['applications'] as
    | Record<string, Record<string, unknown>>
    | undefined;
  for (const [name, app] of Object.entries(details ?? {})) {
    const config = app['deployed_app_config'] as Record<string, unknown> | undefined;
    apps[name] = {
      status: String(app['status']),
      config,
      marker: markerOf(control, config),
      numCpus: numCpusOf(config),
    };
  }
  const records = control.backend().serveApplications.map(({ id, name, plugin_release }) => ({
    id,
    name,
    plugin_release,
  }));
  return { apps, records };
}

/** How `after` differs from `before`, one phrase per difference; empty when it is the same state. */
export function differences(before: ClusterSnapshot, after: ClusterSnapshot): string[] {
  const found: string[] = [];
  for (const [name, app] of Object.entries(before.apps)) {
    const now = after.apps[name];
    if (now === undefined) found.push(`${name} is gone (was ${app.status})`);
    else if (!isDeepStrictEqual(now.config, app.config))
      found.push(`${name} runs another config (${describe(now)}, was ${describe(app)})`);
    else if (now.status !== app.status) found.push(`${name} is ${now.status} (was ${app.status})`);
  }
  for (const [name, app] of Object.entries(after.apps)) {
    if (before.apps[name] === undefined) found.push(`${name} was added (${describe(app)})`);
  }
  const added = after.records.length - before.records.length;
  if (added !== 0) found.push(`${added > 0 ? '+' : ''}${added} backend record(s)`);
  return found;
}

/** Backend records beyond the first of each (name, plugin release). */
export function duplicateRecords(state: ClusterSnapshot): number {
  const seen = new Map<string, number>();
  for (const record of state.records) {
    const key = `${record.name}#${record.plugin_release}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen.values()].reduce((sum, count) => sum + count - 1, 0);
}

/** The apps of `expected` that `state` does not hold. */
export function missingApps(state: ClusterSnapshot, expected: readonly string[]): string[] {
  return expected.filter((name) => state.apps[name] === undefined);
}

/** `RUNNING v2 num_cpus=0.5`, for messages. */
export function describe(app: AppSnapshot | undefined): string {
  if (app === undefined) return 'absent';
  const cpus = app.numCpus === undefined ? '' : ` num_cpus=${app.numCpus}`;
  return `${app.status} ${app.marker}${cpus}`;
}

function markerOf(control: DevServerControl, config: Record<string, unknown> | undefined): string {
  const runtimeEnv = config?.['runtime_env'] as Record<string, unknown> | undefined;
  const uri = runtimeEnv?.['working_dir'];
  if (typeof uri !== 'string' || !uri.startsWith('gcs://')) return 'no package';
  const bytes = control.packageBytes(uri.slice('gcs://'.length));
  if (bytes === undefined) return 'missing package';
  // Packages are stored, not deflated: serve_app.py's text is in the zip as written.
  const marker = /MARKER = "([^"]*)"/.exec(Buffer.from(bytes).toString('latin1'));
  return marker?.[1] ?? 'no marker';
}

function numCpusOf(config: Record<string, unknown> | undefined): number | undefined {
  const deployments = config?.['deployments'] as Record<string, unknown>[] | undefined;
  const options = deployments?.[0]?.['ray_actor_options'] as Record<string, unknown> | undefined;
  const cpus = options?.['num_cpus'];
  return typeof cpus === 'number' ? cpus : undefined;
}
