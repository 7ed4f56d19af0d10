import { RayServeClient } from '@synapse-sdk/clients';
import type { Logger } from '@synapse-sdk/core';

import { configFlagEnv } from '../options/config-flags.js';
import { buildRunEnv } from '../run/build-run-env.js';

/** A {@link RayServeClient} for the environment with the command's config flags applied. */
export function rayClientFromFlags(
  options: Readonly<Record<string, unknown>>,
  processEnv: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): RayServeClient {
  const env = buildRunEnv({ processEnv, flagEnv: configFlagEnv(options) });
  return RayServeClient.fromEnv(env, { logger });
}
