import type { RunState } from '@synapse-sdk/core';

import { UsageError } from '../usage-error.js';
import type { RunMeta } from './run-meta.js';
import { runMetaOf } from './run-meta.js';

/**
 * What the CLI needs to run a journaled run's action again (`runs resume`, `runs rollback`):
 * its recorded meta, and the process environment pointed at the run's cluster and job, under
 * the run's id. Flags still override it, as in any run.
 * @throws UsageError when the run was not started by this CLI (no meta it can read)
 */
export function journaledRunInputs(
  run: RunState,
  processEnv: Readonly<Record<string, string | undefined>>,
): { meta: RunMeta; env: Record<string, string | undefined> } {
  const meta = runMetaOf(run.meta);
  if (!meta) {
    throw new UsageError(
      `run ${run.runId} was not started by the synapse command: its journal does not say which plugin, action and params it ran`,
      { hint: 'resume or roll it back from the program that started it' },
    );
  }
  const env: Record<string, string | undefined> = {
    ...processEnv,
    SYNAPSE_RUN_ID: run.runId,
    RAY_DASHBOARD_ADDRESS: meta.rayAddress,
    SYNAPSE_JOB_ID: meta.jobId,
  };
  return { meta, env };
}
