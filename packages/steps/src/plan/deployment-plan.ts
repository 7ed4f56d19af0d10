import type { RayServeClient, ServeApplicationConfig } from '@synapse-sdk/clients';

import { prepareApplication } from '../deploy/build-application.js';
import type { ChangeKind } from '../deploy/serve-config.js';
import { classifyChange, declarativeConfigs } from '../deploy/serve-config.js';
import { planWarnings } from '../rules/deploy-rules.js';
import type { DeploymentSpec } from '../spec/deployment-spec.js';
import type { FieldChange } from './field-changes.js';
import { fieldChanges } from './field-changes.js';

/** What a deploy would change, computed without changing anything. */
export interface DeploymentPlan {
  appName: string;
  routePrefix: string;
  /** added, unchanged, updated in place (no rebuild), or a code change (rebuild + rolling restart). */
  change: ChangeKind;
  /** Fields that differ from the deployed config, e.g. `runtime_env.working_dir`. */
  changedFields: string[];
  /** The same fields with their values, old → new (secrets masked). */
  changes: FieldChange[];
  /**
   * True when a deploy would send nothing: the same config, RUNNING or DEPLOYING. An identical
   * config of an app that failed is sent again (so Ray retries), which is a change.
   */
  upToDate: boolean;
  previous: ServeApplicationConfig | null;
  next: ServeApplicationConfig;
  /** Whether the package must be uploaded first. */
  uploadNeeded: boolean;
  /** Other applications, all kept as they are. */
  otherApps: string[];
  /** Things to know before deploying, refusals first. */
  warnings: string[];
}

/** Computes the {@link DeploymentPlan} of `spec` against the live cluster; reads only. */
export async function planDeployment(
  spec: DeploymentSpec,
  client: RayServeClient,
  signal?: AbortSignal,
): Promise<DeploymentPlan> {
  const { app, pkg } = await prepareApplication(spec);
  await pkg.remove(); // the plan needs the package's name only
  const details = await client.getApplications(signal);
  const name = spec.serveAppName;
  const previous = declarativeConfigs(details).get(name) ?? null;
  const { change, changedFields } = classifyChange(previous, app);
  const { ray_version: rayVersion } = await client.getVersion(signal);
  const status = details.applications[name]?.status;
  return {
    appName: name,
    routePrefix: spec.routePrefix,
    change,
    changedFields,
    changes: fieldChanges(previous, app),
    upToDate: change === 'unchanged' && (status === 'RUNNING' || status === 'DEPLOYING'),
    previous,
    next: app,
    uploadNeeded: !(await client.hasPackage(pkg.uri, signal)),
    otherApps: Object.keys(details.applications)
      .filter((n) => n !== name)
      .sort(),
    warnings: planWarnings({ details, name, app, change, rayVersion }),
  };
}
