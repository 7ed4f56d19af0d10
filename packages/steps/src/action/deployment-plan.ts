import type { RayServeClient, ServeApplicationConfig } from '@synapse-sdk/clients';

import { RAY_KEEPS_IMPERATIVE_APPS } from '../deploy/apply-application.js';
import { prepareApplication } from '../deploy/build-application.js';
import { compareVersions } from '../deploy/compare-versions.js';
import {
  classifyChange,
  declarativeConfigs,
  isImperative,
  untouchableApps,
  type ChangeKind,
} from '../deploy/serve-config.js';
import type { DeploymentContext } from '../deployment-context.js';

/** What a deploy would change, computed without changing anything. */
export interface DeploymentPlan {
  appName: string;
  routePrefix: string;
  /** added, unchanged, updated in place (no rebuild), or a code change (rebuild + rolling restart). */
  change: ChangeKind;
  /** Fields that differ from the deployed config, e.g. `runtime_env.working_dir`. */
  changedFields: string[];
  previous: ServeApplicationConfig | null;
  next: ServeApplicationConfig;
  /** Whether the package must be uploaded first. */
  uploadNeeded: boolean;
  /** Other applications, all kept as they are. */
  otherApps: string[];
  /** Things to know before deploying. */
  warnings: string[];
}

/** Computes the {@link DeploymentPlan} of `context` against the live cluster. */
export async function planDeployment(
  context: DeploymentContext,
  client: RayServeClient,
): Promise<DeploymentPlan> {
  const { app, pkg } = await prepareApplication(context);
  await pkg.remove(); // the plan needs the package's name only
  const details = await client.getApplications(context.signal);
  const name = context.serveAppName;
  const previous = declarativeConfigs(details).get(name) ?? null;
  const { change, changedFields } = classifyChange(previous, app);
  const warnings: string[] = [];
  const current = details.applications[name];
  const { ray_version: rayVersion } = await client.getVersion(context.signal);
  if (current && isImperative(current)) {
    warnings.push(
      `a deploy will be refused: '${name}' is running and was started imperatively (serve.run), so replacing it could not be rolled back`,
    );
  }
  const endangered = Object.entries(details.applications)
    .filter(([other, otherApp]) => other !== name && isImperative(otherApp))
    .map(([other]) => other);
  if (endangered.length > 0 && compareVersions(rayVersion, RAY_KEEPS_IMPERATIVE_APPS) < 0) {
    warnings.push(
      `a deploy will be refused: Ray ${rayVersion} would delete ${endangered.join(', ')} (started with serve.run) on any config PUT`,
    );
  }
  for (const [other, otherApp] of Object.entries(details.applications)) {
    // While an app builds, Ray reports route_prefix null; its config still claims the prefix.
    const prefix = otherApp.route_prefix ?? otherApp.deployed_app_config?.route_prefix;
    if (other !== name && prefix && prefix === app.route_prefix) {
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
  return {
    appName: name,
    routePrefix: context.routePrefix,
    change,
    changedFields,
    previous,
    next: app,
    uploadNeeded: !(await client.hasPackage(pkg.uri, context.signal)),
    otherApps: Object.keys(details.applications)
      .filter((n) => n !== name)
      .sort(),
    warnings,
  };
}
