import type { RayServeClient } from '@synapse-sdk/clients';
import type { Clock } from '@synapse-sdk/core';

import { REMOVE_TIMEOUT_MS } from '../defaults.js';
import { refusalError, removeRefusal } from '../rules/deploy-rules.js';
import { applyApplication } from './apply-application.js';

/** Options of {@link removeApplication}. */
export interface RemoveApplicationOptions {
  signal?: AbortSignal | undefined;
  /** How long to wait for the app to be gone. @default {@link REMOVE_TIMEOUT_MS} */
  timeoutMs?: number | undefined;
  lockDir?: string | undefined;
  /** Times the waits. @default the client's clock */
  clock?: Clock | undefined;
}

/**
 * Removes one application and keeps every other one: a locked read-merge-PUT without it (Ray
 * has no per-app delete), then waits until it is gone. `removed` is false when it was absent.
 */
export async function removeApplication(
  client: RayServeClient,
  name: string,
  options: RemoveApplicationOptions = {},
): Promise<{ removed: boolean }> {
  const refusal = removeRefusal(await client.getApplications(options.signal), name);
  if (refusal) throw refusalError(refusal);
  const { ray_version: rayVersion } = await client.getVersion(options.signal);
  const outcome = await applyApplication(client, name, null, {
    rayVersion,
    signal: options.signal,
    lockDir: options.lockDir,
    clock: options.clock,
  });
  if (!outcome.before) return { removed: false };
  await client.waitForApplicationRemoved(name, {
    timeoutMs: options.timeoutMs ?? REMOVE_TIMEOUT_MS,
    signal: options.signal,
    clock: options.clock,
  });
  return { removed: true };
}
