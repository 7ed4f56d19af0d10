import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import {
  AgentClient,
  BackendClient,
  RayServeClient,
  type ServeInstanceDetails,
} from '@synapse-sdk/clients';
import {
  type Clock,
  PluginEnvironment,
  RuntimeContext,
  type StepRegistry,
} from '@synapse-sdk/core';
import { startDevServer, type DevServer, type DevServerOptions } from '@synapse-sdk/devserver';
import { z } from 'zod';

import { BaseDeploymentAction } from '../action/base-deployment-action.js';
import type { DeploymentContext } from '../deployment-context.js';
import { DeployStep } from '../steps/deploy-step.js';
import { createPluginDir } from './plugin-fixture.js';
import { InitializeRayStep } from '../steps/initialize-ray-step.js';
import { RegisterStep } from '../steps/register-step.js';

/** Devserver timings short enough for tests, long enough to see every status. */
export const FAST_TIMINGS = {
  buildTimeMs: 30,
  replicaStartTimeMs: 30,
  lightweightUpdateTimeMs: 10,
  deleteTimeMs: 20,
} as const;

export const DeployParams = z.object({
  num_cpus: z.number().nonnegative().optional(),
  num_gpus: z.number().nonnegative().optional(),
  memory: z.number().nonnegative().optional(),
  num_replicas: z.number().int().positive().optional(),
});

/** Step mode with the three standard steps. */
export class StepDeploy extends BaseDeploymentAction<typeof DeployParams> {
  public static override readonly paramsSchema = DeployParams;
  public static override readonly entrypoint: string | undefined = 'serve_app:Model';
  public static override readonly actionName = 'deployment';
  public override setupSteps(registry: StepRegistry<DeploymentContext>): void {
    registry.register(new InitializeRayStep({ connectTimeoutMs: 300 }));
    registry.register(
      new DeployStep({ waitTimeoutMs: 10_000, rollbackTimeoutMs: 10_000, pollIntervalMs: 10 }),
    );
    registry.register(new RegisterStep());
  }
}

/** Step mode deploying the class whose constructor raises. */
export class BrokenStepDeploy extends StepDeploy {
  public static override readonly entrypoint = 'serve_app:BrokenModel';
}

/** Simple mode, exactly as the seed documents it. */
export class SimpleDeploy extends BaseDeploymentAction<typeof DeployParams> {
  public static override readonly paramsSchema = DeployParams;
  public static override readonly entrypoint = 'serve_app:Model';
  public static override readonly actionName = 'deployment';
  public override async execute() {
    await this.rayInit();
    this.setProgress(1, 3, this.progress.INITIALIZE);
    await this.deploy();
    this.setProgress(2, 3, this.progress.DEPLOY);
    const appId = await this.registerServeApplication();
    this.setProgress(3, 3, this.progress.REGISTER);
    return { serveApplication: appId };
  }
}

/** A devserver plus the environment that points an action at it. */
export interface Cluster {
  dev: DevServer;
  env: Record<string, string>;
  ray: RayServeClient;
  stop(): Promise<void>;
}

export async function startCluster(options: DevServerOptions = {}): Promise<Cluster> {
  const dev = await startDevServer({ timings: FAST_TIMINGS, ...options });
  const env: Record<string, string> = {
    RAY_DASHBOARD_ADDRESS: dev.dashboardUrl,
    SYNAPSE_HOST: dev.backendUrl,
    SYNAPSE_ACCESS_TOKEN: options.backendToken ?? 'backend-token-1234',
  };
  if (options.authToken) env['RAY_AUTH_TOKEN'] = options.authToken;
  const clock = options.clock as Clock | undefined;
  return { dev, env, ray: RayServeClient.fromEnv(env, { clock }), stop: () => dev.stop() };
}

/** A runtime context for a plugin dir against `env`, with backend (and agent) clients. */
export function runtimeFor(
  env: Record<string, string>,
  options: { signal?: AbortSignal; agent?: boolean; clock?: Clock } = {},
): RuntimeContext {
  const backend = BackendClient.fromEnv(env, { retry: { attempts: 1 }, clock: options.clock });
  const agent = options.agent ? AgentClient.fromEnv(env, { clock: options.clock }) : undefined;
  return RuntimeContext.create({
    env: new PluginEnvironment(env),
    client: backend,
    agentClient: agent,
    signal: options.signal,
    clock: options.clock,
  });
}

/** The instance details without what changes on every PUT or restart (times, replica ids). */
export function stableView(details: ServeInstanceDetails): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(details.applications)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, app]) => [
        name,
        {
          status: app.status,
          message: app.message,
          route_prefix: app.route_prefix,
          source: app.source,
          deployed_app_config: app.deployed_app_config,
          deployments: Object.fromEntries(
            Object.entries(app.deployments ?? {}).map(([dname, d]) => [
              dname,
              {
                status: d.status,
                message: d.message,
                deployment_config: d.deployment_config,
                replicas: d.replicas?.length ?? 0,
              },
            ]),
          ),
        },
      ]),
  );
}

/** What {@link useDeployFixture} provides to each test. */
export interface DeployFixture {
  /** A plugin directory shared by the tests of the file. */
  readonly plugin: { dir: string; remove: () => Promise<void> };
  /** A fresh devserver per test. */
  readonly cluster: Cluster;
  /** The cluster's environment plus SYNAPSE_PLUGIN_DIR (and `extraEnv`). */
  readonly env: Record<string, string>;
}

/**
 * Registers the hooks most integration tests need: one plugin directory for the file, one
 * devserver per test, and the environment that points an action at both.
 */
export function useDeployFixture(
  options: DevServerOptions = {},
  extraEnv: Record<string, string> = {},
): DeployFixture {
  let plugin: DeployFixture['plugin'] | undefined;
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    plugin = await createPluginDir();
  });
  afterAll(async () => {
    await plugin?.remove();
  });
  beforeEach(async () => {
    cluster = await startCluster(options);
  });
  afterEach(async () => {
    await cluster?.stop();
  });
  return {
    get plugin() {
      return defined(plugin, 'plugin');
    },
    get cluster() {
      return defined(cluster, 'cluster');
    },
    get env() {
      const c = defined(cluster, 'cluster');
      return { ...c.env, SYNAPSE_PLUGIN_DIR: defined(plugin, 'plugin').dir, ...extraEnv };
    },
  };
}

function defined<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`the ${name} fixture is only available inside a test`);
  return value;
}
