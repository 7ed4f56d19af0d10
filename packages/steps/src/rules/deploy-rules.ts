import type {
  ApplicationDetails,
  BackendClient,
  ServeApplicationConfig,
  ServeInstanceDetails,
} from '@synapse-sdk/clients';
import { ConfigError, ContextMissingError } from '@synapse-sdk/core';

import { compareVersions } from '../deploy/compare-versions.js';
import type { ChangeKind } from '../deploy/serve-config.js';
import { isImperative, untouchableApps } from '../deploy/serve-config.js';
import type { StepsErrorCode } from '../errors.js';
import { StepsError } from '../errors.js';

/*
 * Every rule that refuses or warns about a deploy, a plan or a removal, in one place: the
 * initialize checks, `plan`, the locked apply and `removeApplication` all ask here, so a rule
 * and its wording exist once.
 */

/** Oldest Ray whose dashboard port serves the multi-app Serve REST API the SDK speaks. */
export const MIN_RAY_VERSION = '2.8.0';

/** Before this Ray, a declarative PUT also deleted every app started with `serve.run` (ray#44476). */
export const RAY_KEEPS_IMPERATIVE_APPS = '2.12.0';

/** A reason to refuse a change, as an error and as a plan announces it beforehand. */
export interface Refusal {
  code: StepsErrorCode;
  /** What the error says. */
  message: string;
  hint: string;
  /** How a plan words it after "a deploy will be refused: ". */
  planWarning: string;
}

/** The error that carries out `refusal`. */
export function refusalError(refusal: Refusal): StepsError {
  return new StepsError(refusal.code, refusal.message, { hint: refusal.hint });
}

/** Initialize: a Ray older than {@link MIN_RAY_VERSION} is refused. */
export function rayVersionRefusal(rayVersion: string, address: string): Refusal | undefined {
  if (compareVersions(rayVersion, MIN_RAY_VERSION) >= 0) return undefined;
  const message = `Ray ${rayVersion} at ${address} is too old: synapse-sdk needs Ray >= ${MIN_RAY_VERSION} (the Serve REST API on the dashboard port)`;
  return { code: 'RAY_TOO_OLD', message, hint: 'upgrade the cluster', planWarning: message };
}

/** Where a registration goes: the job, the backend, the plugin release. */
export interface RegistrationTarget {
  jobId: string;
  backend: BackendClient;
  release: number;
}

/**
 * Initialize and register: a run with a job id needs a backend and the plugin release id, or
 * nothing can be registered. Returns where the registration goes, or throws saying what to set.
 */
export function registrationTarget(
  jobId: string,
  backend: BackendClient | undefined,
  release: number | undefined,
): RegistrationTarget {
  if (!backend) {
    throw new ContextMissingError(
      `Cannot register the application of job ${jobId}: no Synapse backend is configured`,
      {
        hint: 'set SYNAPSE_HOST (--host) and SYNAPSE_ACCESS_TOKEN (--token), or run without a job id',
      },
    );
  }
  if (release === undefined) {
    throw new ConfigError(
      'environment variable SYNAPSE_PLUGIN_RELEASE_ID',
      `is required to register the application of job ${jobId}; set it to the plugin release's id in Synapse, or run without a job id`,
    );
  }
  return { jobId, backend, release };
}

/**
 * Apply (deploy and restore): an application of the same name started with `serve.run` has no
 * config a rollback could put back, so replacing it is refused; on a Ray that deletes
 * `serve.run` apps with every PUT, any PUT is refused while such apps run.
 */
export function writeRefusal(
  details: ServeInstanceDetails,
  name: string,
  app: ServeApplicationConfig | null,
  rayVersion: string | undefined,
): Refusal | undefined {
  const current = details.applications[name];
  if (app && current && isImperative(current)) return imperativeConflict(name);
  return imperativeAppsAtRisk(details, name, rayVersion);
}

/** Removal: the dashboard's REST API cannot remove an application started with `serve.run`. */
export function removeRefusal(details: ServeInstanceDetails, name: string): Refusal | undefined {
  const current = details.applications[name];
  if (!current || !isImperative(current)) return undefined;
  const message = `Application '${name}' was started imperatively (serve.run); the dashboard's REST API cannot remove it`;
  return {
    code: 'IMPERATIVE_APP',
    message,
    hint: 'shut it down from the Python code that started it',
    planWarning: message,
  };
}

/** What {@link planWarnings} looks at. */
export interface PlanInput {
  details: ServeInstanceDetails;
  name: string;
  app: ServeApplicationConfig;
  change: ChangeKind;
  rayVersion: string;
}

/** Plan: what a deploy of `app` would refuse or should warn about, in the order a user reads it. */
export function planWarnings({ details, name, app, change, rayVersion }: PlanInput): string[] {
  const warnings: string[] = [];
  const current = details.applications[name];
  const refusals = [
    current && isImperative(current) ? imperativeConflict(name) : undefined,
    imperativeAppsAtRisk(details, name, rayVersion),
  ];
  for (const refusal of refusals) {
    if (refusal) warnings.push(`a deploy will be refused: ${refusal.planWarning}`);
  }
  for (const [other, otherApp] of Object.entries(details.applications)) {
    if (other !== name && routePrefixOf(otherApp) === app.route_prefix && app.route_prefix) {
      warnings.push(
        `route prefix ${app.route_prefix} is already used by '${other}'; Ray would refuse the deploy`,
      );
    }
  }
  for (const other of untouchableApps(details).filter((n) => n !== name)) {
    warnings.push(
      `'${other}' is imperative or being deleted: it is not part of the config we write, and Ray keeps it`,
    );
  }
  if (
    current &&
    current.status !== 'RUNNING' &&
    current.status !== 'DEPLOYING' &&
    change === 'unchanged'
  ) {
    warnings.push(
      `'${name}' is ${current.status} with this exact config; a deploy sends it again so Ray retries, which fails the same way unless the cause (resources, packages, a dependency) was fixed`,
    );
  }
  return warnings;
}

function imperativeConflict(name: string): Refusal {
  return {
    code: 'IMPERATIVE_APP',
    message: `Application '${name}' is running and was started imperatively (serve.run); replacing it could not be rolled back`,
    hint: 'shut it down from the Python code that started it, or deploy under another name (SYNAPSE_PLUGIN_RELEASE_CODE)',
    planWarning: `'${name}' is running and was started imperatively (serve.run), so replacing it could not be rolled back`,
  };
}

function imperativeAppsAtRisk(
  details: ServeInstanceDetails,
  name: string,
  rayVersion: string | undefined,
): Refusal | undefined {
  if (rayVersion === undefined || compareVersions(rayVersion, RAY_KEEPS_IMPERATIVE_APPS) >= 0) {
    return undefined;
  }
  const endangered = Object.entries(details.applications)
    .filter(([other, app]) => other !== name && isImperative(app))
    .map(([other]) => other);
  if (endangered.length === 0) return undefined;
  return {
    code: 'IMPERATIVE_APPS_AT_RISK',
    message: `Ray ${rayVersion} deletes applications started with serve.run on every config PUT; refusing to change the config while ${endangered.join(', ')} run${endangered.length === 1 ? 's' : ''}`,
    hint: `upgrade Ray to ${RAY_KEEPS_IMPERATIVE_APPS} or later, or move those apps to a Serve config`,
    planWarning: `Ray ${rayVersion} would delete ${endangered.join(', ')} (started with serve.run) on any config PUT`,
  };
}

/** While an app builds, Ray reports route_prefix null; its config still claims the prefix. */
function routePrefixOf(app: ApplicationDetails): string | null | undefined {
  return app.route_prefix ?? (app.deployed_app_config?.['route_prefix'] as string | undefined);
}
