import type { Env } from '@synapse-sdk/clients/ray';
import { RayJobsClient, RayServeClient } from '@synapse-sdk/clients/ray';
import type { Logger } from '@synapse-sdk/core/base';

import { configFlagEnv } from '../options/config-flags.js';
import { buildRunEnv } from '../run/build-run-env.js';

function flagsEnv(options: Readonly<Record<string, unknown>>, processEnv: Env): Env {
  return buildRunEnv({ processEnv, flagEnv: configFlagEnv(options) });
}

/** A {@link RayServeClient} for the environment with the command's config flags applied. */
export function rayClientFromFlags(
  options: Readonly<Record<string, unknown>>,
  processEnv: Env,
  logger: Logger,
): RayServeClient {
  return RayServeClient.fromEnv(flagsEnv(options, processEnv), { logger });
}

/** A {@link RayJobsClient} for the environment with the command's config flags applied. */
export function jobsClientFromFlags(
  options: Readonly<Record<string, unknown>>,
  processEnv: Env,
  logger: Logger,
): RayJobsClient {
  return RayJobsClient.fromEnv(flagsEnv(options, processEnv), { logger });
}
