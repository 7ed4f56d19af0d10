import {
  isTransientError,
  parseServeDeployConfig,
  type ApplicationDetails,
  type RayServeClient,
  type ServeApplicationConfig,
  type ServeInstanceDetails,
} from '@synapse-sdk/clients';
import { CancelledError, systemClock } from '@synapse-sdk/core';

import { StepsError } from '../errors.js';

import { compareVersions } from './compare-versions.js';

import { withClusterLock } from './cluster-lock.js';
import {
  declarativeConfigs,
  isImperative,
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
  /** Cancels waiting for the lock and the reads; a PUT once sent is let finish (see below). */
  signal?: AbortSignal | undefined;
  lockDir?: string | undefined;
  /**
   * Send an identical config again when the app is not RUNNING or DEPLOYING, so that Ray retries
   * a failed build (a PUT is a new target even when nothing changed). @default false
   */
  reapplyUnlessHealthy?: boolean;
  /** The cluster's Ray version, when known: old versions need extra care (see below). */
  rayVersion?: string | undefined;
  /** Called under the lock right before the PUT, with the config and app being replaced. */
  beforePut?: (
    previous: ServeApplicationConfig | null,
    before: ApplicationDetails | undefined,
  ) => void;
}

// Re-reads allowed when another writer keeps changing the live config, or a PUT fails in transit.
const MAX_ROUNDS = 5;

/** Before this Ray, a declarative PUT also deleted every app started with `serve.run` (ray#44476). */
export const RAY_KEEPS_IMPERATIVE_APPS = '2.12.0';

/**
 * Sets application `name` to `app` (or removes it, for null) without touching any other
 * application: under the cluster lock, read the live config, merge, re-read just before the
 * PUT and start over if another writer changed it meanwhile, then PUT. An identical config sends
 * nothing.
 *
 * The PUT is sent once, without the cancellation signal: aborting the socket would not stop Ray
 * from applying it, and a rollback that runs while it is in flight would then be undone by it.
 * Holding the lock until Ray answers keeps a rollback behind it. A PUT that fails in transit is
 * not re-sent as is: the live config is read again and the body rebuilt.
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
      let lastError: unknown;
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const details = await client.getApplications(signal);
        const before = details.applications[name];
        if (app && before && isImperative(before)) throw imperativeConflict(name);
        refuseOnOldRay(details, name, options.rayVersion);
        const previous = declarativeConfigs(details).get(name) ?? null;
        if (isUnchanged(app, previous, before, options.reapplyUnlessHealthy === true)) {
          return { previous, before, put: false };
        }

        const body = mergeApplication(details, name, app);
        const recheck = await client.getApplications(signal);
        if (liveFingerprint(recheck) !== liveFingerprint(details)) continue;
        if (signal?.aborted) {
          throw new CancelledError(`Cancelled before updating application '${name}'`);
        }
        options.beforePut?.(previous, before);
        try {
          await client.putApplications(body, undefined, { validate: false, retry: false });
        } catch (error) {
          if (!isTransientError(error)) throw error;
          lastError = error;
          await systemClock.sleep(200 * (round + 1));
          continue;
        }
        return { previous, before, put: true };
      }
      if (lastError !== undefined) throw lastError;
      throw new StepsError(
        'SERVE_CONFIG_BUSY',
        `The Ray Serve config at ${client.address} changed ${MAX_ROUNDS} times while preparing the update of '${name}'; another tool is writing it continuously — retry when it is done`,
      );
    },
    { signal, lockDir: options.lockDir },
  );
}

function isUnchanged(
  app: ServeApplicationConfig | null,
  previous: ServeApplicationConfig | null,
  before: ApplicationDetails | undefined,
  reapplyUnlessHealthy: boolean,
): boolean {
  if (app === null) return before === undefined;
  if (!sameConfig(previous, app)) return false;
  if (!reapplyUnlessHealthy) return true;
  return before?.status === 'RUNNING' || before?.status === 'DEPLOYING';
}

/**
 * An app started with `serve.run` has no config we could put back, so replacing it could not
 * be undone: refuse instead of risking the loss of a running app.
 */
function imperativeConflict(name: string): StepsError {
  return new StepsError(
    'IMPERATIVE_APP',
    `Application '${name}' is running and was started imperatively (serve.run); replacing it could not be rolled back`,
    {
      hint: 'shut it down from the Python code that started it, or deploy under another name (SYNAPSE_PLUGIN_RELEASE_CODE)',
    },
  );
}

function refuseOnOldRay(
  details: ServeInstanceDetails,
  name: string,
  rayVersion: string | undefined,
): void {
  if (rayVersion === undefined || compareVersions(rayVersion, RAY_KEEPS_IMPERATIVE_APPS) >= 0)
    return;
  const endangered = Object.entries(details.applications)
    .filter(([other, app]) => other !== name && isImperative(app))
    .map(([other]) => other);
  if (endangered.length === 0) return;
  throw new StepsError(
    'IMPERATIVE_APPS_AT_RISK',
    `Ray ${rayVersion} deletes applications started with serve.run on every config PUT; refusing to change the config while ${endangered.join(', ')} run${endangered.length === 1 ? 's' : ''}`,
    {
      hint: `upgrade Ray to ${RAY_KEEPS_IMPERATIVE_APPS} or later, or move those apps to a Serve config`,
    },
  );
}
