/**
 * `@synapse-sdk/steps`: deploy inference endpoints to Ray Serve and register them with the
 * Synapse backend — `BaseDeploymentAction` and the `InitializeRayStep`, `DeployStep` and
 * `RegisterStep` it runs — and run plugin commands on the cluster as Ray jobs (`RayJobStep`).
 *
 * @example
 * ```ts
 * class Deploy extends BaseDeploymentAction<typeof Params> {
 *   static override paramsSchema = Params;
 *   static override entrypoint = 'serve_app:MyDeployment';
 *   override setupSteps(registry: StepRegistry<DeploymentContext>) {
 *     registry.register(new InitializeRayStep());
 *     registry.register(new DeployStep());
 *     registry.register(new RegisterStep());
 *   }
 * }
 * ```
 *
 * @packageDocumentation
 */
export type { DeploymentRunResult } from './action/base-deployment-action.js';
export type { DeploymentPlan } from './action/deployment-plan.js';
export type { ApplyOptions, ApplyOutcome } from './deploy/apply-application.js';
export type { PreparedApplication, PythonClassPath } from './deploy/build-application.js';
export type { ClusterLockOptions } from './deploy/cluster-lock.js';
export type {
  DeployApplicationOptions,
  DeployOutcome,
  DeployState,
} from './deploy/deploy-application.js';
export type { RemoveApplicationOptions } from './deploy/remove-application.js';
export type { RestoreOptions } from './deploy/restore-application.js';
export type { ChangeKind } from './deploy/serve-config.js';
export type { ClusterInfo, DeploymentContextInit } from './deployment-context.js';
export type { DeploymentProgressCategory } from './deployment-progress.js';
export type { PackageCompression } from './packaging/compression.js';
export type {
  PackageFile,
  PackageOptions,
  WorkingDirPackage,
} from './packaging/package-working-dir.js';
export type { Requirements } from './config/runtime-env.js';
export type { DeployStepOptions } from './steps/deploy-step.js';
export type {
  FromContext,
  RayJobContext,
  RayJobResultData,
  RayJobStepOptions,
} from './jobs/ray-job-step.js';
export type { PackageStoreClient } from './packaging/package-plugin.js';
export type { InitializeRayStepOptions } from './steps/initialize-ray-step.js';
export type { Registration, RegistrationTarget } from './steps/register-step.js';

export { BaseDeploymentAction } from './action/base-deployment-action.js';
export { planDeployment } from './action/deployment-plan.js';
export { resolveRoutePrefix, resolveServeAppName } from './config/app-identity.js';
export { buildRuntimeEnv, readRequirements } from './config/runtime-env.js';
export { RAY_KEEPS_IMPERATIVE_APPS, applyApplication } from './deploy/apply-application.js';
export { compareVersions } from './deploy/compare-versions.js';
export { parseClassPath, prepareApplication } from './deploy/build-application.js';
export { withClusterLock } from './deploy/cluster-lock.js';
export { deployApplication } from './deploy/deploy-application.js';
export { removeApplication } from './deploy/remove-application.js';
export { restoreApplication } from './deploy/restore-application.js';
export {
  canonicalJson,
  classifyChange,
  declarativeConfigs,
  mergeApplication,
  sameConfig,
} from './deploy/serve-config.js';
export { DeploymentContext } from './deployment-context.js';
export { DeploymentProgressCategories } from './deployment-progress.js';
export { DEFAULT_IGNORES } from './packaging/collect-files.js';
export { PackageError } from './packaging/package-error.js';
export { MAX_PACKAGE_BYTES, packageWorkingDir } from './packaging/package-working-dir.js';
export { BUILDER_IMPORT_PATH, BUILDER_MODULE, BUILDER_SOURCE } from './packaging/serve-builder.js';
export { DeployStep } from './steps/deploy-step.js';
export { RESULT_END, RESULT_START } from './jobs/job-output.js';
export { RayJobStep } from './jobs/ray-job-step.js';
export { jobSubmissionId } from './jobs/submission-id.js';
export { ensurePackage, packagePlugin } from './packaging/package-plugin.js';
export { InitializeRayStep, MIN_RAY_VERSION, connectToRay } from './steps/initialize-ray-step.js';
export { RegisterStep, registerApplication, registrationTarget } from './steps/register-step.js';
export type { StepsErrorCode } from './errors.js';
export { StepsError } from './errors.js';
