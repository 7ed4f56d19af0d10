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
export { BaseDeploymentAction } from './action/base-deployment-action.js';
export type { ClusterInfo } from './cluster/cluster-info.js';
export { ClusterInfoSchema } from './cluster/cluster-info.js';
export {
  CONNECT_TIMEOUT_MS,
  DEPLOY_WAIT_TIMEOUT_MS,
  JOB_ERROR_LOG_LINES,
  JOB_WAIT_TIMEOUT_MS,
  LOCK_WAIT_MS,
  REMOVE_TIMEOUT_MS,
  ROLLBACK_TIMEOUT_MS,
} from './defaults.js';
export type { PythonClassPath } from './deploy/build-application.js';
export { parseClassPath } from './deploy/build-application.js';
export type { AppLockOptions, ClusterLockOptions } from './deploy/cluster-lock.js';
export { withAppLock, withClusterLock } from './deploy/cluster-lock.js';
export type { DeployChange } from './deploy/deploy-change.js';
export { deployChangeIn, DeployChangeSchema } from './deploy/deploy-change.js';
export type { RemoveApplicationOptions } from './deploy/remove-application.js';
export { removeApplication } from './deploy/remove-application.js';
export type { ChangeKind } from './deploy/serve-config.js';
export { classifyChange, configIsLive } from './deploy/serve-config.js';
export type { DeploymentContextInit } from './deployment-context.js';
export { DeploymentContext } from './deployment-context.js';
export type { DeploymentProgressCategory } from './deployment-progress.js';
export { DeploymentProgressCategories } from './deployment-progress.js';
export type { StepsErrorCode } from './errors.js';
export { StepsError } from './errors.js';
export { RESULT_END, RESULT_START } from './jobs/job-output.js';
export type {
  FromContext,
  RayJobContext,
  RayJobResultData,
  RayJobStepOptions,
} from './jobs/ray-job-step.js';
export { RayJobStep } from './jobs/ray-job-step.js';
export { jobSubmissionId } from './jobs/submission-id.js';
export { DEPLOY_WRITE_AHEAD } from './journal/deploy-write-ahead.js';
export type { DeployedRevision } from './journal/deployed-revisions.js';
export { configHash, deployedRevisions, liveRevision } from './journal/deployed-revisions.js';
export type { DeployChangeState } from './journal/describe-deploy-change.js';
export { describeDeployChange } from './journal/describe-deploy-change.js';
export { DEFAULT_IGNORES } from './packaging/collect-files.js';
export type { PackageCompression } from './packaging/compression.js';
export { PackageError } from './packaging/package-error.js';
export type { EnsurePackageHooks, PackageStoreClient } from './packaging/package-plugin.js';
export { ensurePackage, packagePlugin } from './packaging/package-plugin.js';
export type {
  PackageFile,
  PackageOptions,
  WorkingDirPackage,
} from './packaging/package-working-dir.js';
export { packageWorkingDir } from './packaging/package-working-dir.js';
export { BUILDER_IMPORT_PATH, BUILDER_MODULE, BUILDER_SOURCE } from './packaging/serve-builder.js';
export type { DeploymentPlan } from './plan/deployment-plan.js';
export { planDeployment } from './plan/deployment-plan.js';
export type { FieldChange } from './plan/field-changes.js';
export { fieldChanges } from './plan/field-changes.js';
export type { Registration } from './registration/register-application.js';
export { resolveRoutePrefix, resolveServeAppName } from './spec/app-identity.js';
export type { DeploymentSpec } from './spec/deployment-spec.js';
export type { DeployStepOptions } from './steps/deploy-step.js';
export { DeployStep } from './steps/deploy-step.js';
export type { InitializeRayStepOptions } from './steps/initialize-ray-step.js';
export { InitializeRayStep } from './steps/initialize-ray-step.js';
export { RegisterStep } from './steps/register-step.js';
export { RevisionDeployStep } from './steps/revision-deploy-step.js';
