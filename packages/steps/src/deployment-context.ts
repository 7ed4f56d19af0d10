import type { RayServeClient, ServeApplicationConfig } from '@synapse-sdk/clients';
import { BaseStepContext, type RuntimeContext } from '@synapse-sdk/core';

import type { DeployState } from './deploy/deploy-application.js';

/** What {@link InitializeRayStep} learned about the cluster. */
export interface ClusterInfo {
  /** Dashboard address, e.g. `http://localhost:8265`. */
  address: string;
  rayVersion: string;
  /** Changes when the cluster restarts. */
  sessionName?: string | undefined;
  /** `disabled` or `token`. */
  authMode: string;
}

/** Everything {@link DeploymentContext} is built from. */
export interface DeploymentContextInit {
  runtimeCtx: RuntimeContext;
  rayClient: RayServeClient;
  params: Record<string, unknown>;
  serveAppName: string;
  routePrefix: string;
  rayActorOptions: Record<string, unknown>;
  runtimeEnv: Record<string, unknown>;
  entrypoint: string;
  backendUrl: string;
  pluginDir: string;
  actionName: string;
  pluginReleaseId?: number | undefined;
  modelId?: number | undefined;
}

/**
 * State shared by the deployment steps: the Python `DeploymentContext` plus what it lacks — the
 * entrypoint, the backend URL, the plugin directory, the cluster info and the previous app
 * config that rollback restores.
 */
export class DeploymentContext extends BaseStepContext implements DeployState {
  public readonly rayClient: RayServeClient;
  public readonly params: Record<string, unknown>;
  public readonly modelId: number | undefined;
  public readonly serveAppName: string;
  public readonly routePrefix: string;
  /** num_cpus / num_gpus / memory for the deployment (runtime_env goes on the app). */
  public readonly rayActorOptions: Record<string, unknown>;
  public readonly runtimeEnv: Record<string, unknown>;
  /** The Python serve class, `module:Class`, relative to the plugin directory. */
  public readonly entrypoint: string;
  /** Passed to the serve class's constructor (`SYNAPSE_PLUGIN_RUN_HOST` or `SYNAPSE_HOST`). */
  public readonly backendUrl: string;
  /** The directory packaged as the app's working_dir. */
  public readonly pluginDir: string;
  /** The config.yaml action name, recorded with the backend registration. */
  public readonly actionName: string;
  public readonly pluginReleaseId: number | undefined;

  /** Set by InitializeRayStep. */
  public clusterInfo: ClusterInfo | undefined;
  /** The app's config before this run (null: it did not exist), once DeployStep read it. */
  public previousAppConfig: ServeApplicationConfig | null | undefined;
  /** The app's status before this run, once DeployStep read it. */
  public previousAppStatus: string | undefined;
  /** True once DeployStep may have changed the cluster; tells rollback to restore. */
  public applied = false;
  /** The config DeployStep applied. */
  public appConfig: ServeApplicationConfig | undefined;
  /** True once the app is RUNNING with this run's config. */
  public deployed = false;
  /** The backend record id, once RegisterStep created or found it. */
  public serveAppId: number | null = null;

  public constructor(init: DeploymentContextInit) {
    super(init.runtimeCtx);
    this.rayClient = init.rayClient;
    this.params = init.params;
    this.modelId = init.modelId;
    this.serveAppName = init.serveAppName;
    this.routePrefix = init.routePrefix;
    this.rayActorOptions = init.rayActorOptions;
    this.runtimeEnv = init.runtimeEnv;
    this.entrypoint = init.entrypoint;
    this.backendUrl = init.backendUrl;
    this.pluginDir = init.pluginDir;
    this.actionName = init.actionName;
    this.pluginReleaseId = init.pluginReleaseId;
  }
}
