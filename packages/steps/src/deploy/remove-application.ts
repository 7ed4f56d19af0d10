import type { RayServeClient } from '@synapse-sdk/clients';

import { StepsError } from '../errors.js';

import { applyApplication } from './apply-application.js';

/** Options of {@link removeApplication}. */
export interface RemoveApplicationOptions {
  signal?: AbortSignal | undefined;
  /** How long to wait for the app to be gone. @default 120000 */
  timeoutMs?: number;
  lockDir?: string | undefined;
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
  const current = (await client.getApplications(options.signal)).applications[name];
  if (current?.source === 'imperative') {
    throw new StepsError(
      'IMPERATIVE_APP',
      `Application '${name}' was started imperatively (serve.run); the dashboard's REST API cannot remove it`,
      { hint: 'shut it down from the Python code that started it' },
    );
  }
  const { ray_version: rayVersion } = await client.getVersion(options.signal);
  const outcome = await applyApplication(client, name, null, {
    rayVersion,
    signal: options.signal,
    lockDir: options.lockDir,
  });
  if (!outcome.before) return { removed: false };
  await client.waitForApplicationRemoved(name, {
    timeoutMs: options.timeoutMs ?? 120_000,
    signal: options.signal,
  });
  return { removed: true };
}
