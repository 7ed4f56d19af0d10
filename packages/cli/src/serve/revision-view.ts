import type { RunState } from '@synapse-sdk/core';
import type { DeployedRevision } from '@synapse-sdk/steps';
import { deployedRevisions, liveRevision } from '@synapse-sdk/steps';

import { pluginLabel, runMetaOf } from '../runs/run-meta.js';
import { runStatusView } from '../runs/run-status-text.js';

/** A revision as `synapse serve history` shows it (its `-o json` items). */
export interface RevisionView {
  revision: number;
  runId: string;
  at: string;
  /** `code@version` of the plugin that deployed it. */
  release: string;
  /** `plugin run`, `serve rollback`. */
  command: string | null;
  params: Record<string, unknown>;
  configHash: string;
  /** How its run ended, as `synapse runs list` says it. */
  outcome: string;
  host: string;
  user: string | null;
  /** True for the revision whose config runs now. */
  live: boolean;
}

/** `serve history APP`: the revisions, oldest first, and whether the live config is one of them. */
export interface HistoryView {
  app: string;
  address: string;
  revisions: RevisionView[];
  /** The live revision's number; null when the app is absent or drifted. */
  live: number | null;
  /** True when the app runs a config no revision sent (changed outside synapse). */
  drift: boolean;
}

/** The history of `app` on the cluster at `address`, from the journaled runs. */
export function historyView(
  runs: readonly RunState[],
  app: string,
  address: string,
  liveConfig: unknown,
): { view: HistoryView; revisions: DeployedRevision[] } {
  const revisions = deployedRevisions(runs, app, address);
  const live = liveRevision(revisions, liveConfig);
  const statusOf = new Map(runs.map((run) => [run.runId, runStatusView(run).text]));
  return {
    revisions,
    view: {
      app,
      address,
      revisions: revisions.map((revision) => {
        const meta = runMetaOf(revision.meta);
        return {
          revision: revision.revision,
          runId: revision.runId,
          at: revision.at,
          release: pluginLabel(meta),
          command: meta?.command ?? null,
          params: meta?.params ?? {},
          configHash: revision.configHash,
          outcome: statusOf.get(revision.runId) ?? revision.runStatus,
          host: revision.host,
          user: revision.user ?? null,
          live: revision === live,
        };
      }),
      live: live?.revision ?? null,
      drift: liveConfig !== undefined && liveConfig !== null && live === undefined,
    },
  };
}
