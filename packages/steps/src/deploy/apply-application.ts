import {
  parseServeDeployConfig,
  type ApplicationDetails,
  type RayServeClient,
  type ServeApplicationConfig,
} from '@synapse-sdk/clients';
import { CancelledError, SynapseError } from '@synapse-sdk/core';

import { withClusterLock } from './cluster-lock.js';
import {
  declarativeConfigs,
  liveFingerprint,
  mergeApplication,
  sameConfig,
} from './serve-config.js';

/** What {@link applyApplication} found and did. */
export interface ApplyOutcome {
  /** The app's config before, or null when it was not deployed declaratively. */
  previous: ServeApplicationConfig | null;
  /** The app as it was before, if present. */
  before: ApplicationDetails | undefined;
  /** False when the live config already matched, so nothing was sent. */
  put: boolean;
}

/** Options of {@link applyApplication}. */
export interface ApplyOptions {
  signal?: AbortSignal | undefined;
  lockDir?: string | undefined;
  /** Called under the lock right before the PUT, with the config and app being replaced. */
  beforePut?: (
    previous: ServeApplicationConfig | null,
    before: ApplicationDetails | undefined,
  ) => void;
}

// Re-reads allowed when another writer keeps changing the live config under us.
const MAX_REBUILDS = 5;

/**
 * Sets application `name` to `app` (or removes it, for null) without touching any other
 * application: under the cluster lock, read the live config, merge, re-read just before the
 * PUT and start over if another writer changed it meanwhile, then PUT. An identical config sends
 * nothing.
 */
export async function applyApplication(
  client: RayServeClient,
  name: string,
  app: ServeApplicationConfig | null,
  options: ApplyOptions = {},
): Promise<ApplyOutcome> {
  const { signal } = options;
  // Our app is checked strictly here; the others are sent back exactly as Ray reported them,
  // even when they carry keys this SDK does not know (a newer Ray, another tool).
  if (app) parseServeDeployConfig({ applications: [app] }, `Serve config of application '${name}'`);
  return await withClusterLock(
    client.address,
    async () => {
      for (let attempt = 0; attempt < MAX_REBUILDS; attempt++) {
        const details = await client.getApplications(signal);
        const before = details.applications[name];
        if (app && before?.source === 'imperative') throw imperativeConflict(name);
        const previous = declarativeConfigs(details).get(name) ?? null;
        const unchanged = app === null ? before === undefined : sameConfig(previous, app);
        if (unchanged) return { previous, before, put: false };

        const body = mergeApplication(details, name, app);
        const recheck = await client.getApplications(signal);
        if (liveFingerprint(recheck) !== liveFingerprint(details)) continue;
        if (signal?.aborted)
          throw new CancelledError(`Cancelled before updating application '${name}'`);
        options.beforePut?.(previous, before);
        await client.putApplications(body, signal, { validate: false });
        return { previous, before, put: true };
      }
      throw new Error(
        `The Ray Serve config at ${client.address} changed ${MAX_REBUILDS} times while preparing the update of '${name}'; another tool is writing it continuously — retry when it is done`,
      );
    },
    { signal, lockDir: options.lockDir },
  );
}

/**
 * An app started with `serve.run` has no config we could put back, so replacing it could not
 * be undone: refuse instead of risking the loss of a running app.
 */
function imperativeConflict(name: string): SynapseError {
  return new SynapseError(
    'CONFIG_INVALID',
    `Application '${name}' is running and was started imperatively (serve.run); replacing it could not be rolled back`,
    {
      hint: 'shut it down from the Python code that started it, or deploy under another name (SYNAPSE_PLUGIN_RELEASE_CODE)',
    },
  );
}
