import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import {
  RAY_SERVE_CLIENT,
  RayServeClient,
  type AgentClient,
  type BackendClient,
} from '@synapse-sdk/clients';
import {
  BaseAction,
  ContextMissingError,
  Orchestrator,
  StepRegistry,
  parsePluginConfig,
  type ActionClass,
  type OrchestratorResult,
  type PluginConfig,
} from '@synapse-sdk/core';
import type { z } from 'zod';

import { resolveRoutePrefix, resolveServeAppName } from '../config/app-identity.js';
import { buildRuntimeEnv } from '../config/runtime-env.js';
import { DeploymentContext, type ClusterInfo } from '../deployment-context.js';
import { DeploymentProgressCategories } from '../deployment-progress.js';
import { DeployStep } from '../steps/deploy-step.js';
import { initializeCluster, type InitializeRayStepOptions } from '../steps/initialize-ray-step.js';
import type { RegisterStep } from '../steps/register-step.js';
import { registerApplication } from '../steps/register-step.js';
import { planDeployment, type DeploymentPlan } from './deployment-plan.js';

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
 */
export class BaseDeploymentAction<S extends z.ZodType = z.ZodType> extends BaseAction<
  S,
  DeploymentContext
> {
  /** The Python serve deployment class to deploy, `module:Class`, relative to the plugin directory. */
  public static readonly entrypoint?: string | undefined;

  /** Standard progress category names. */
  public readonly progress = DeploymentProgressCategories;

  private simpleContext: DeploymentContext | undefined;
  private ownRayClient: RayServeClient | undefined;
  private loadedConfig: { config: PluginConfig | undefined } | undefined;

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
    });
    return this.ownRayClient;
  }

  /** The plugin directory that is deployed: env SYNAPSE_PLUGIN_DIR, else the working directory. */
  public get pluginDir(): string {
    return resolve(this.ctx.env.getStr('SYNAPSE_PLUGIN_DIR') ?? process.cwd());
  }

  /** The plugin's config.yaml, or undefined when it has none. */
  public get pluginConfig(): PluginConfig | undefined {
    if (!this.loadedConfig) {
      const file = join(this.pluginDir, 'config.yaml');
      let text: string | undefined;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      this.loadedConfig = {
        config: text === undefined ? undefined : parsePluginConfig(text, file),
      };
    }
    return this.loadedConfig.config;
  }

  /** `SYNAPSE_PLUGIN_RELEASE_CODE`, else `code@version` from config.yaml. */
  public getServeAppName(): string {
    return resolveServeAppName(
      this.ctx.env,
      this.pluginConfig,
      join(this.pluginDir, 'config.yaml'),
    );
  }

  /** `/` + `SYNAPSE_PLUGIN_RELEASE_CHECKSUM`, else `/` + md5 of the app name. */
  public getRoutePrefix(): string {
    return resolveRoutePrefix(this.ctx.env, this.getServeAppName());
  }

  /**
   * `num_cpus`, `num_gpus` and `memory` from the params (an explicit 0 is kept, unlike the Python
   * SDK, so `num_gpus: 0` really means no GPU) plus `runtime_env`.
   */
  public getRayActorOptions(): Record<string, unknown> {
    const params = (this.params ?? {}) as Record<string, unknown>;
    const options: Record<string, unknown> = {};
    for (const key of ['num_cpus', 'num_gpus', 'memory']) {
      const value = params[key];
      if (typeof value === 'number') options[key] = value;
    }
    const runtimeEnv = this.getRuntimeEnv();
    if (Object.keys(runtimeEnv).length > 0) options['runtime_env'] = runtimeEnv;
    return options;
  }

  /** requirements.txt (pip or uv per config.yaml) plus config.yaml `env` and `runtime_env`. */
  public getRuntimeEnv(): Record<string, unknown> {
    return buildRuntimeEnv(this.pluginDir, this.pluginConfig);
  }

  /**
   * Builds the deployment context, checking what can be checked without the network: the
   * entrypoint and the app name. (What registration needs is checked by the initialize step,
   * so that `plan()` works without it.)
   */
  public override createContext(): DeploymentContext {
    const entrypoint = (this.constructor as DeploymentActionClass).entrypoint;
    if (!entrypoint) {
      throw new ContextMissingError(`${this.constructor.name}.entrypoint is not set`, {
        hint: "set it to the plugin's serve deployment class, e.g. static entrypoint = 'serve_app:MyDeployment'",
      });
    }
    const env = this.ctx.env;
    const releaseId = env.getInt('SYNAPSE_PLUGIN_RELEASE_ID');
    const { runtime_env: runtimeEnv, ...actorOptions } = this.getRayActorOptions();
    const params = (this.params ?? {}) as Record<string, unknown>;
    const modelId = params['model_id'];
    return new DeploymentContext({
      runtimeCtx: this.ctx,
      rayClient: this.rayClient,
      params,
      serveAppName: this.getServeAppName(),
      routePrefix: this.getRoutePrefix(),
      rayActorOptions: actorOptions,
      runtimeEnv: (runtimeEnv as Record<string, unknown> | undefined) ?? {},
      entrypoint,
      backendUrl: env.getStr('SYNAPSE_PLUGIN_RUN_HOST') ?? env.getStr('SYNAPSE_HOST') ?? '',
      pluginDir: this.pluginDir,
      actionName: (this.constructor as ActionClass).actionName ?? 'deployment',
      pluginReleaseId: releaseId,
      modelId: typeof modelId === 'number' ? modelId : undefined,
    });
  }

  /**
   * Simple mode: connects to the Ray dashboard and checks it (see {@link InitializeRayStep});
   * an unreachable dashboard is retried for `connectTimeoutMs` (15 s by default).
   */
  public async rayInit(options: InitializeRayStepOptions = {}): Promise<ClusterInfo> {
    return await initializeCluster(
      this.deploymentContext(),
      options.connectTimeoutMs ?? 15_000,
      this.ctx.signal,
    );
  }

  /**
   * Simple mode: deploys (see {@link DeployStep}) and waits until RUNNING. On failure the
   * previous version is restored before the error is thrown.
   */
  public async deploy(): Promise<void> {
    const context = this.deploymentContext();
    await this.runOne(new DeployStep(), context);
  }

  /** Simple mode: registers the app with the backend; null when there is no job id. */
  public async registerServeApplication(): Promise<number | null> {
    const context = this.deploymentContext();
    if (!this.ctx.jobId) return null;
    const { serveApplication } = await registerApplication(context, this.ctx.signal);
    return typeof serveApplication === 'number' ? serveApplication : null;
  }

  /** What a deploy would change, without changing anything. */
  public async plan(): Promise<DeploymentPlan> {
    return await planDeployment(this.createContext(), this.rayClient);
  }

  /** Step mode when `setupSteps` registered steps (with the deployment result keys), else `execute()`. */
  public override async run(): Promise<unknown> {
    const registry = new StepRegistry<DeploymentContext>(this.ctx.container);
    this.setupSteps(registry);
    if (registry.size === 0) return await this.execute();
    const context = this.createContext();
    const result = await this.runSteps(registry, context);
    const outcome: DeploymentRunResult = { ...result, deployed: context.deployed };
    if (context.serveAppId) outcome.serveApplication = context.serveAppId;
    return outcome;
  }

  private deploymentContext(): DeploymentContext {
    this.simpleContext ??= this.createContext();
    return this.simpleContext;
  }

  private async runOne(step: DeployStep | RegisterStep, context: DeploymentContext): Promise<void> {
    const registry = new StepRegistry<DeploymentContext>().register(step);
    await new Orchestrator(registry, context).execute();
  }
}
