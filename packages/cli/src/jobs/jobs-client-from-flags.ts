import { RayJobsClient } from '@synapse-sdk/clients';
import type { Logger } from '@synapse-sdk/core';

import { configFlagEnv } from '../options/config-flags.js';
import { buildRunEnv } from '../run/build-run-env.js';

/** A {@link RayJobsClient} for the environment with the command's config flags applied. */
export function jobsClientFromFlags(
  options: Readonly<Record<string, unknown>>,
  processEnv: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): RayJobsClient {
  const env = buildRunEnv({ processEnv, flagEnv: configFlagEnv(options) });
  return RayJobsClient.fromEnv(env, { logger });
}
