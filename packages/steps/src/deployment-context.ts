import type { RayServeClient, ServeApplicationConfig } from '@synapse-sdk/clients';
import type { RuntimeContext } from '@synapse-sdk/core';
import { BaseStepContext } from '@synapse-sdk/core';

import type { ClusterInfo } from './cluster/cluster-info.js';
import { clusterInfoIn } from './cluster/cluster-info.js';
import { deployChangeIn } from './deploy/deploy-change.js';
import { DeploymentProgressCategories as STEP } from './deployment-progress.js';
import type { DeploymentSpec } from './spec/deployment-spec.js';

/** Everything {@link DeploymentContext} is built from. */
export interface DeploymentContextInit {
  runtimeCtx: RuntimeContext;
  rayClient: RayServeClient;
  spec: DeploymentSpec;
}

/**
 * What the deployment steps share: the run's {@link DeploymentSpec} (resolved once, never
 * written) and the Ray client. What the steps find out is not stored here: each step returns
 * it in its result, and the accessors below read those results (the Python DeploymentContext's
 * names, plus what it lacks).
 */
export class DeploymentContext extends BaseStepContext {
  public readonly rayClient: RayServeClient;
  /** What this run deploys. */
  public readonly spec: DeploymentSpec;

  public constructor(init: DeploymentContextInit) {
    super(init.runtimeCtx);
    this.rayClient = init.rayClient;
    this.spec = init.spec;
  }

  /** The validated params. */
  public get params(): Readonly<Record<string, unknown>> {
    return this.spec.params;
  }

  /** `model_id` of the params. */
  public get modelId(): number | undefined {
    return this.spec.modelId;
  }

  /** The Serve application name. */
  public get serveAppName(): string {
    return this.spec.serveAppName;
  }

  /** The application's route prefix. */
  public get routePrefix(): string {
    return this.spec.routePrefix;
  }

  /** num_cpus / num_gpus / memory for the deployment (runtime_env goes on the app). */
  public get rayActorOptions(): Readonly<Record<string, number>> {
    return this.spec.rayActorOptions;
  }

  /** The Python serve class, `module:Class`, relative to the plugin directory. */
  public get entrypoint(): string {
    return this.spec.entrypoint;
  }

  /** Passed to the serve class's constructor (`SYNAPSE_PLUGIN_RUN_HOST` or `SYNAPSE_HOST`). */
  public get backendUrl(): string {
    return this.spec.backendUrl;
  }

  /** What the initialize checks learned about the cluster, once they ran. */
  public get clusterInfo(): ClusterInfo | undefined {
    return clusterInfoIn(this.resultOf(STEP.INITIALIZE)?.data);
  }

  /** The app's config before this run (null: it did not exist), once the deploy step ran. */
  public get previousAppConfig(): ServeApplicationConfig | null | undefined {
    const result = this.resultOf(STEP.DEPLOY);
    return result ? deployChangeIn(result.rollbackData)?.previousConfig : undefined;
  }

  /** True once the app is RUNNING with this run's config (and was not rolled back since). */
  public get deployed(): boolean {
    const result = this.resultOf(STEP.DEPLOY);
    return result?.success === true && !result.skipped && !this.wasRolledBack(STEP.DEPLOY);
  }

  /** The backend record id, once the register step created or found it. */
  public get serveAppId(): number | null {
    const id = this.resultOf(STEP.REGISTER)?.data['serveApplication'];
    return typeof id === 'number' ? id : null;
  }
}
