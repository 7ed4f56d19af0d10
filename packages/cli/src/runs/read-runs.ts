import type { JournalStore, RunState } from '@synapse-sdk/core';
import { foldRun, RunNotFoundError } from '@synapse-sdk/core';

/** Every run of the store that has begun, newest first. */
export async function readRuns(store: JournalStore): Promise<RunState[]> {
  const runs: RunState[] = [];
  for (const stored of await store.listRuns()) {
    const record = await store.readRun(stored.runId);
    const state = record && foldRun(record);
    if (state) runs.push(state);
  }
  return runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/**
 * Run `runId` of the store. A unique prefix of an id is enough, as with git commits.
 * @throws RunNotFoundError when no run (or more than one) matches
 */
export async function readRunById(store: JournalStore, runId: string): Promise<RunState> {
  let record = await store.readRun(runId);
  if (!record) {
    const matches = (await store.listRuns()).filter((run) => run.runId.startsWith(runId));
    if (matches.length > 1) {
      throw new RunNotFoundError(runId, store.location, {
        hint: `'${runId}' starts ${matches.length} run ids (${matches
          .map((run) => run.runId)
          .slice(0, 3)
          .join(', ')}…); give more of it`,
      });
    }
    if (matches.length === 1) record = await store.readRun(matches[0]!.runId);
  }
  const state = record && foldRun(record);
  if (!state) throw new RunNotFoundError(runId, store.location);
  return state;
}
