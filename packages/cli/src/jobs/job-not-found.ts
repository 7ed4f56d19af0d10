import { NotFoundError } from '@synapse-sdk/clients/ray';

import { UsageError } from '../usage-error.js';

/** Runs `read`, turning Ray's 404 for the job into a usage error that says where to look. */
export async function forExistingJob<T>(
  id: string,
  address: string,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new UsageError(`no Ray job '${id}' on ${address}`, {
      hint: "list the jobs with 'synapse jobs list'",
      cause: error,
    });
  }
}
