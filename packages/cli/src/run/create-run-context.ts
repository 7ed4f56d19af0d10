import {
  AGENT_CLIENT,
  AgentClient,
  BACKEND_CLIENT,
  BackendClient,
  RAY_SERVE_CLIENT,
  RayServeClient,
} from '@synapse-sdk/clients';
import type { LoadedPluginConfig, Logger } from '@synapse-sdk/core';
import {
  createContainer,
  LOGGER,
  PLUGIN_ENVIRONMENT,
  PluginEnvironment,
  RuntimeContext,
} from '@synapse-sdk/core';
import type { ContainerModule } from 'inversify';

/** Inputs of {@link createRunContext}. */
export interface CreateRunContextOptions {
  /** The run's environment (see `buildRunEnv`). */
  env: Readonly<Record<string, string>>;
  logger: Logger;
  signal: AbortSignal;
  /** The run's Ray client when the caller made it already. @default `RayServeClient.fromEnv(env)` */
  rayClient?: RayServeClient | undefined;
  /** Plugin modules, loaded after the SDK's bindings so that they can rebind a client. */
  containerModules?: readonly ContainerModule[];
  /** The plugin, loaded and validated once; handed to the action through the context. */
  plugin?: LoadedPluginConfig | undefined;
}

/**
 * Builds the clients from the environment (`RayServeClient.fromEnv`, `BackendClient.fromEnv`,
 * `AgentClient.fromEnv`), binds them under their DI tokens, loads the plugin's container
 * modules, and creates the {@link RuntimeContext} with the clients as resolved from the
 * container (so a plugin's replacement is the one every step sees). Sends nothing.
 */
export async function createRunContext(options: CreateRunContextOptions): Promise<RuntimeContext> {
  const { env, logger } = options;
  const clientOptions = { logger };
  const container = createContainer();
  const environment = new PluginEnvironment(env);
  container.bind(PLUGIN_ENVIRONMENT).toConstantValue(environment);
  container.bind(LOGGER).toConstantValue(logger);
  const ray = options.rayClient ?? RayServeClient.fromEnv(env, clientOptions);
  container.bind(RAY_SERVE_CLIENT).toConstantValue(ray);
  const backend = BackendClient.fromEnv(env, clientOptions);
  if (backend) container.bind(BACKEND_CLIENT).toConstantValue(backend);
  const agent = AgentClient.fromEnv(env, clientOptions);
  if (agent) container.bind(AGENT_CLIENT).toConstantValue(agent);
  if (options.containerModules && options.containerModules.length > 0) {
    await container.loadAsync(...options.containerModules);
  }
  const client = container.isBound(BACKEND_CLIENT) ? container.get(BACKEND_CLIENT) : undefined;
  const agentClient = container.isBound(AGENT_CLIENT) ? container.get(AGENT_CLIENT) : undefined;
  // Checked before any client is used: a job id that is not one would report to the wrong job.
  const jobId = environment.getId('SYNAPSE_JOB_ID')?.toString();
  return RuntimeContext.create({
    env: environment,
    logger,
    container,
    signal: options.signal,
    plugin: options.plugin,
    jobId,
    client,
    agentClient,
  });
}
