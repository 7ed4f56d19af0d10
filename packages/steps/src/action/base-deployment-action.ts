import type { AgentClient, BackendClient } from '@synapse-sdk/clients';
import { RAY_SERVE_CLIENT, RayServeClient } from '@synapse-sdk/clients';
import type { ActionClass, OrchestratorResult, PluginConfig } from '@synapse-sdk/core';
import {
  BaseAction,
  ContextMissingError,
  Orchestrator,
  StepRegistry,
  stepSuccess,
} from '@synapse-sdk/core';
import type { z } from 'zod';

import type { ClusterInfo } from '../cluster/cluster-info.js';
import { initializeCluster } from '../cluster/initialize-cluster.js';
import { CONNECT_TIMEOUT_MS } from '../defaults.js';
import { withAppLock } from '../deploy/cluster-lock.js';
import { DeploymentContext } from '../deployment-context.js';
import { DeploymentProgressCategories } from '../deployment-progress.js';
import type { DeploymentPlan } from '../plan/deployment-plan.js';
import { planDeployment } from '../plan/deployment-plan.js';
import { registerApplication } from '../registration/register-application.js';
import type { DeploymentSpec } from '../spec/deployment-spec.js';
import { resolveDeploymentSpec } from '../spec/deployment-spec.js';
import type { PluginSource } from '../spec/plugin-source.js';
import { pluginSource } from '../spec/plugin-source.js';
import { DeployStep } from '../steps/deploy-step.js';
import type { InitializeRayStepOptions } from '../steps/initialize-ray-step.js';

/** What a step-mode deployment run returns. */
export interface DeploymentRunResult extends OrchestratorResult {
  /** The backend record id, when the app was registered. */
  serveApplication?: number;
  /** True when the app is RUNNING with this run's config. */
  deployed: boolean;
}

/** The static side of a deployment action class. */
interface DeploymentActionClass extends ActionClass {
  readonly entrypoint?: string | undefined;
}

/**
 * Base class of actions that deploy an inference endpoint to Ray Serve and register it with the
 * Synapse backend. Set `static entrypoint` to the plugin's Python serve class
 * (`'serve_app:MyDeployment'`), then either override `execute()` and call `rayInit()`,
 * `deploy()` and `registerServeApplication()` (simple mode), or register
 * {@link InitializeRayStep}, {@link DeployStep} and {@link RegisterStep} in `setupSteps`
 * (step mode, which takes precedence and rolls back on failure).
 *
 * What to deploy is resolved once, as the action's {@link DeploymentSpec}: from the plugin the
 * runner handed over (`ctx.plugin`; else `SYNAPSE_PLUGIN_DIR` or the working directory), the
 * validated params and the environment.
 */
export class BaseDeploymentAction<S extends z.ZodType = z.ZodType> extends BaseAction<
  S,
  DeploymentContext
> {
  /** The Python serve deployment class to deploy, `module:Class`, relative to the plugin directory. */
  public static readonly entrypoint?: string | undefined;

  /** Standard progress category names. */
  public readonly progress = DeploymentProgressCategories;

  private resolvedPlugin: PluginSource | undefined;
  private resolvedSpec: DeploymentSpec | undefined;
  private simpleContext: DeploymentContext | undefined;
  private ownRayClient: RayServeClient | undefined;

  /** The Synapse backend client. @throws ContextMissingError when none is configured. */
  public get client(): BackendClient {
    const client = this.ctx.client;
    if (!client) {
      throw new ContextMissingError('No backend client in the runtime context', {
        hint: 'set SYNAPSE_HOST and SYNAPSE_ACCESS_TOKEN, or pass `client` to RuntimeContext.create()',
      });
    }
    return client;
  }

  /** The Synapse agent client. @throws ContextMissingError when none is configured. */
  public get agentClient(): AgentClient {
    const client = this.ctx.agentClient;
    if (!client) {
      throw new ContextMissingError('No agent client in the runtime context', {
        hint: 'set SYNAPSE_AGENT_HOST and SYNAPSE_AGENT_TOKEN, or pass `agentClient` to RuntimeContext.create()',
      });
    }
    return client;
  }

  /** The Ray dashboard client: the container's binding, else one built from the environment. */
  public get rayClient(): RayServeClient {
    const container = this.ctx.container;
    if (container.isBound(RAY_SERVE_CLIENT)) return container.get(RAY_SERVE_CLIENT);
    this.ownRayClient ??= RayServeClient.fromEnv(this.ctx.env.toObject(), {
      logger: this.ctx.logger,
      clock: this.ctx.clock,
    });
    return this.ownRayClient;
  }

  /** The plugin directory that is deployed. */
  public get pluginDir(): string {
    return this.plugin.dir;
  }

  /** The plugin's config.yaml, or undefined when it has none. */
  public get pluginConfig(): PluginConfig | undefined {
    return this.plugin.config;
  }

  /** What this action deploys, resolved on first use and the same ever after. */
  public get spec(): DeploymentSpec {
    this.resolvedSpec ??= resolveDeploymentSpec({
      plugin: this.plugin,
      env: this.ctx.env,
      params: this.params,
      entrypoint: (this.constructor as DeploymentActionClass).entrypoint,
      actionName: (this.constructor as ActionClass).actionName ?? 'deployment',
      jobId: this.ctx.jobId,
      actionClassName: this.constructor.name,
    });
    return this.resolvedSpec;
  }

  /** `SYNAPSE_PLUGIN_RELEASE_CODE`, else `code@version` from config.yaml. */
  public getServeAppName(): string {
    return this.spec.serveAppName;
  }

  /** `/` + `SYNAPSE_PLUGIN_RELEASE_CHECKSUM`, else `/` + md5 of the app name. */
  public getRoutePrefix(): string {
    return this.spec.routePrefix;
  }

  /**
   * `num_cpus`, `num_gpus` and `memory` from the params (an explicit 0 is kept, unlike the Python
   * SDK, so `num_gpus: 0` really means no GPU) plus `runtime_env`.
   */
  public getRayActorOptions(): Record<string, unknown> {
    const { rayActorOptions, runtimeEnv } = this.spec;
    return Object.keys(runtimeEnv).length > 0
      ? { ...rayActorOptions, runtime_env: structuredClone(runtimeEnv) }
      : { ...rayActorOptions };
  }

  /** requirements.txt (pip or uv per config.yaml) plus config.yaml `env` and `runtime_env`. */
  public getRuntimeEnv(): Record<string, unknown> {
    return structuredClone(this.spec.runtimeEnv);
  }

  /** Builds the deployment context from the {@link spec} (which checks the entrypoint and app name). */
  public override createContext(): DeploymentContext {
    return new DeploymentContext({
      runtimeCtx: this.ctx,
      rayClient: this.rayClient,
      spec: this.spec,
    });
  }

  /**
   * Simple mode: connects to the Ray dashboard and checks it (see {@link InitializeRayStep});
   * an unreachable dashboard is retried for `connectTimeoutMs`.
   */
  public async rayInit(options: InitializeRayStepOptions = {}): Promise<ClusterInfo> {
    const context = this.deploymentContext();
    const known = context.clusterInfo;
    if (known) return known;
    const info = await initializeCluster(context, {
      timeoutMs: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      signal: this.ctx.signal,
    });
    // In simple mode the action runs the pipeline: it records what the initialize step would.
    context.recordResult(DeploymentProgressCategories.INITIALIZE, stepSuccess({ ...info }));
    return info;
  }

  /**
   * Simple mode: deploys (see {@link DeployStep}) and waits until RUNNING. On failure the
   * previous version is restored before the error is thrown.
   */
  public async deploy(): Promise<void> {
    const context = this.deploymentContext();
    const registry = new StepRegistry<DeploymentContext>().register(new DeployStep());
    await new Orchestrator(registry, context).execute();
  }

  /** Simple mode: registers the app with the backend; null when there is no job id. */
  public async registerServeApplication(): Promise<number | null> {
    const context = this.deploymentContext();
    if (!this.ctx.jobId) return null;
    const registration = await registerApplication(context, this.ctx.signal);
    context.recordResult(DeploymentProgressCategories.REGISTER, stepSuccess({ ...registration }));
    return context.serveAppId;
  }

  /** What a deploy would change, without changing anything. */
  public async plan(): Promise<DeploymentPlan> {
    return await planDeployment(this.spec, this.rayClient, this.ctx.signal);
  }

  /** Step mode when `setupSteps` registered steps (with the deployment result keys), else `execute()`. */
  public override async run(): Promise<unknown> {
    const registry = this.registerSteps(new StepRegistry<DeploymentContext>(this.ctx.container));
    if (registry.size === 0) return await this.execute();
    const context = this.createContext();
    const name = context.spec.serveAppName;
    // One deploy of an app at a time, from its first read to its last rollback or record.
    const result = await withAppLock(
      this.rayClient.address,
      name,
      () => this.runSteps(registry, context),
      {
        signal: this.ctx.signal,
        clock: this.ctx.clock,
        noWait: this.ctx.env.getBool('SYNAPSE_NO_WAIT', false),
        onWait: (holder) =>
          this.ctx.logger.warn(`Waiting for another deploy of '${name}' to finish (${holder})`),
      },
    );
    const outcome: DeploymentRunResult = { ...result, deployed: context.deployed };
    if (context.serveAppId) outcome.serveApplication = context.serveAppId;
    return outcome;
  }

  private get plugin(): PluginSource {
    this.resolvedPlugin ??= pluginSource(this.ctx);
    return this.resolvedPlugin;
  }

  private deploymentContext(): DeploymentContext {
    this.simpleContext ??= this.createContext();
    return this.simpleContext;
  }
}
