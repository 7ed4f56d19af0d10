import { createHash } from 'node:crypto';

import type { ServeApplicationConfig } from '@synapse-sdk/clients';
import type { RunState } from '@synapse-sdk/core';

import { deployChangeIn } from '../deploy/deploy-change.js';
import { configIsLive } from '../deploy/serve-config.js';
import { DEPLOY_WRITE_AHEAD } from './deploy-write-ahead.js';

/** A config of one application that a journaled run sent to a cluster. */
export interface DeployedRevision {
  /** 1 for the oldest, in the order the configs were sent. */
  revision: number;
  runId: string;
  /** When the run wrote the PUT ahead, ISO text. */
  at: string;
  /** The config sent. */
  config: ServeApplicationConfig;
  /** SHA-256 of the config's canonical JSON, 12 hex digits. */
  configHash: string;
  /** The run's status then: `succeeded`, `failed` (rolled back), `rolled-back`, `unfinished`, … */
  runStatus: RunState['status'];
  /** What the run is (its meta), e.g. the plugin, params and command that ran it. */
  meta: Record<string, unknown>;
  host: string;
  user?: string | undefined;
}

/**
 * The revisions of application `app` on the cluster at `address`: one per journaled run that
 * sent it a config (the last PUT the run wrote ahead), oldest first. A run that found the
 * config up to date sent nothing and adds none.
 */
export function deployedRevisions(
  runs: readonly RunState[],
  app: string,
  address: string,
): DeployedRevision[] {
  const cluster = clusterKey(address);
  const found: Omit<DeployedRevision, 'revision'>[] = [];
  for (const run of runs) {
    const puts = run.steps
      .flatMap((step) => step.writeAheads)
      .filter((entry) => entry.kind === DEPLOY_WRITE_AHEAD.PUT)
      .filter((entry) => clusterKey(String(entry.detail?.['address'] ?? '')) === cluster)
      .map((entry) => ({ entry, change: deployChangeIn(entry.rollbackData) }))
      .filter(({ change }) => change?.appName === app && change.appliedConfig !== null);
    const last = puts.sort((a, b) => a.entry.seq - b.entry.seq).at(-1);
    if (!last) continue;
    const config = last.change!.appliedConfig!;
    const session = run.sessions[0]!;
    found.push({
      runId: run.runId,
      at: last.entry.at,
      config,
      configHash: configHash(config),
      runStatus: run.status,
      meta: run.meta,
      host: session.host,
      ...(session.user === undefined ? {} : { user: session.user }),
    });
  }
  return found
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((revision, index) => ({ revision: index + 1, ...revision }));
}

/**
 * The newest revision whose config is the one live (`deployed_app_config` of the app), or
 * undefined when none is: the app drifted (changed outside synapse) or is absent.
 */
export function liveRevision(
  revisions: readonly DeployedRevision[],
  liveConfig: unknown,
): DeployedRevision | undefined {
  if (liveConfig === undefined || liveConfig === null) return undefined;
  return [...revisions].reverse().find((revision) => configIsLive(revision.config, liveConfig));
}

/** SHA-256 of a config's canonical JSON (keys sorted), 12 hex digits. */
export function configHash(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 12);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function clusterKey(address: string): string {
  try {
    const url = new URL(address);
    return `${url.protocol}//${url.host}`.toLowerCase();
  } catch {
    return address.replace(/\/+$/, '').toLowerCase();
  }
}
