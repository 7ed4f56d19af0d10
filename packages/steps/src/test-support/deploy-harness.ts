import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import type { ServeInstanceDetails } from '@synapse-sdk/clients';
import { AgentClient, BackendClient, RayServeClient } from '@synapse-sdk/clients';
import type { Clock, RunRecorder, StepRegistry } from '@synapse-sdk/core';
import { PluginEnvironment, RuntimeContext, systemClock } from '@synapse-sdk/core';
import type { DevServer, DevServerOptions } from '@synapse-sdk/devserver';
import { DEFAULT_TIMINGS } from '@synapse-sdk/devserver';
import { ManualClock, startTestDevServer } from '@synapse-sdk/test-kit';
import { z } from 'zod';

import { BaseDeploymentAction } from '../action/base-deployment-action.js';
import type { DeploymentContext } from '../deployment-context.js';
import { DeployStep } from '../steps/deploy-step.js';
import { InitializeRayStep } from '../steps/initialize-ray-step.js';
import { RegisterStep } from '../steps/register-step.js';
import { createPluginDir } from './plugin-fixture.js';

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
  /** The clock the devserver and every SDK client of the test share. */
  clock: Clock;
  stop(): Promise<void>;
}

// The clock of each running devserver, by dashboard URL: runtimeFor(env) finds it there.
const clocks = new Map<string, Clock>();

/**
 * Starts a devserver on a manual clock that moves as the SDK sleeps (so a deploy's waits and
 * the simulated builds take no real time and happen in one order), unless `realTime` asks for
 * the system clock, which tests with other processes need.
 */
export async function startCluster(
  options: DevServerOptions & { realTime?: boolean } = {},
): Promise<Cluster> {
  const { realTime, ...devOptions } = options;
  const shared =
    devOptions.clock ?? (realTime ? undefined : new ManualClock({ autoAdvance: true }));
  const started = await startTestDevServer({
    ...devOptions,
    // Timings a test gives replace the fast ones; what it leaves out keeps the devserver's.
    timings: devOptions.timings ? { ...DEFAULT_TIMINGS, ...devOptions.timings } : FAST_TIMINGS,
    clock: shared,
    backendToken: options.backendToken ?? 'backend-token-1234',
  });
  const dev = started.server;
  const env: Record<string, string> = {};
  for (const key of [
    'RAY_DASHBOARD_ADDRESS',
    'SYNAPSE_HOST',
    'SYNAPSE_ACCESS_TOKEN',
    'RAY_AUTH_TOKEN',
  ]) {
    const value = started.env[key];
    if (value !== undefined) env[key] = value;
  }
  const clock = shared instanceof ManualClock ? shared : systemClock;
  clocks.set(dev.dashboardUrl, clock);
  return {
    dev,
    env,
    clock,
    ray: RayServeClient.fromEnv(env, { clock }),
    stop: async () => {
      clocks.delete(dev.dashboardUrl);
      await dev.stop();
    },
  };
}

/** A runtime context for a plugin dir against `env`, with backend (and agent) clients. */
export function runtimeFor(
  env: Record<string, string>,
  options: { signal?: AbortSignal; agent?: boolean; clock?: Clock; journal?: RunRecorder } = {},
): RuntimeContext {
  const clock = options.clock ?? clocks.get(env['RAY_DASHBOARD_ADDRESS'] ?? '');
  const backend = BackendClient.fromEnv(env, { retry: { attempts: 1 }, clock });
  const agent = options.agent ? AgentClient.fromEnv(env, { clock }) : undefined;
  return RuntimeContext.create({
    env: new PluginEnvironment(env),
    client: backend,
    agentClient: agent,
    signal: options.signal,
    clock,
    journal: options.journal,
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
  options: DevServerOptions & { realTime?: boolean } = {},
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
