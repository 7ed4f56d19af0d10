import type { JobDetails, RayJobsClient } from '@synapse-sdk/clients';

import { generationId } from './submission-id.js';

/** Ray keeps ended jobs until they are deleted; looking further back than this is not useful. */
const MAX_GENERATIONS = 50;

/** The newest job submitted under a base id, and its generation (0 when there is none). */
export interface LatestJob {
  id: string;
  generation: number;
  job: JobDetails | undefined;
}

/**
 * Finds the newest job of a step in a run: `base`, then `base-r2`, `base-r3`… until an id Ray
 * does not know. Only a job that failed or was stopped has a successor, so the search is short.
 */
export async function findLatestJob(
  jobs: RayJobsClient,
  base: string,
  signal?: AbortSignal,
): Promise<LatestJob> {
  let latest: LatestJob = { id: base, generation: 0, job: undefined };
  for (let generation = 1; generation <= MAX_GENERATIONS; generation++) {
    const id = generationId(base, generation);
    const job = await jobs.findJob(id, signal);
    if (job === undefined) break;
    latest = { id, generation, job };
    if (job.status !== 'FAILED' && job.status !== 'STOPPED') break;
  }
  return latest;
}
