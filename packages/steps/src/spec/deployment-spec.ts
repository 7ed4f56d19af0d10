import type { PluginEnvironment } from '@synapse-sdk/core';
import { ContextMissingError } from '@synapse-sdk/core';

import { resolveRoutePrefix, resolveServeAppName } from './app-identity.js';
import { actorOptions, deploymentParams } from './deployment-params.js';
import type { PluginSource } from './plugin-source.js';
import { buildRuntimeEnv } from './runtime-env.js';

/**
 * What a run deploys, resolved once before anything is sent and never changed afterwards:
 * from the plugin (its directory, config.yaml and action), the validated params and the
 * environment. Every step reads it; none writes it.
 */
export interface DeploymentSpec {
  /** The Serve application: `SYNAPSE_PLUGIN_RELEASE_CODE`, else `code@version` of config.yaml. */
  readonly serveAppName: string;
  /** `/` + `SYNAPSE_PLUGIN_RELEASE_CHECKSUM`, else `/` + the md5 of the application name. */
  readonly routePrefix: string;
  /** The Python serve class, `module:Class`, relative to the plugin directory. */
  readonly entrypoint: string;
  /** Passed to the serve class (`SYNAPSE_PLUGIN_RUN_HOST`, else `SYNAPSE_HOST`; may be empty). */
  readonly backendUrl: string;
  /** The directory packaged as the application's working_dir. */
  readonly pluginDir: string;
  /** The config.yaml action name, recorded with the backend registration. */
  readonly actionName: string;
  /** `SYNAPSE_PLUGIN_RELEASE_ID`, sent with the registration. */
  readonly pluginReleaseId: number | undefined;
  /** The job the application is registered for; none means nothing is registered. */
  readonly jobId: string | undefined;
  /** The params as validated by the action's schema (a frozen copy), sent with the registration. */
  readonly params: Readonly<Record<string, unknown>>;
  /** `model_id` of the params. */
  readonly modelId: number | undefined;
  /** `num_replicas` of the params, sent with the registration. */
  readonly numReplicas: number | undefined;
  /** The deployment's `ray_actor_options` (`num_cpus`, `num_gpus`, `memory` of the params). */
  readonly rayActorOptions: Readonly<Record<string, number>>;
  /** The application's runtime_env: requirements.txt, config.yaml `env` and `runtime_env`. */
  readonly runtimeEnv: Readonly<Record<string, unknown>>;
  /**
   * The run's limit, `SYNAPSE_TIMEOUT` (`plugin run --timeout`): a deploy waits for RUNNING at
   * least this long; undefined for the step's own wait.
   */
  readonly waitTimeoutMs: number | undefined;
}

/** What {@link resolveDeploymentSpec} reads. */
export interface DeploymentSpecSource {
  plugin: PluginSource;
  env: PluginEnvironment;
  /** The action's validated params. */
  params: unknown;
  /** The action class's `static entrypoint`. */
  entrypoint: string | undefined;
  actionName: string;
  jobId: string | undefined;
  /** The action class's name, for the error when it has no entrypoint. */
  actionClassName: string;
}

/**
 * Resolves the {@link DeploymentSpec}, checking what can be checked without the network (the
 * entrypoint, the release id, requirements.txt, the application name). What registration needs
 * is checked by the initialize step instead, so that a plan works without it.
 */
export function resolveDeploymentSpec(source: DeploymentSpecSource): DeploymentSpec {
  const { env, plugin } = source;
  if (!source.entrypoint) {
    throw new ContextMissingError(`${source.actionClassName}.entrypoint is not set`, {
      hint: "set it to the plugin's serve deployment class, e.g. static entrypoint = 'serve_app:MyDeployment'",
    });
  }
  const pluginReleaseId = env.getId('SYNAPSE_PLUGIN_RELEASE_ID');
  const waitTimeoutMs = env.getDuration('SYNAPSE_TIMEOUT');
  const params = deploymentParams(source.params);
  const runtimeEnv = buildRuntimeEnv(plugin.dir, plugin.config);
  const serveAppName = resolveServeAppName(env, plugin.config, plugin.configFile);
  const given =
    typeof source.params === 'object' && source.params !== null
      ? (source.params as Record<string, unknown>)
      : {};
  return deepFreeze({
    serveAppName,
    routePrefix: resolveRoutePrefix(env, serveAppName),
    entrypoint: source.entrypoint,
    backendUrl: env.getStr('SYNAPSE_PLUGIN_RUN_HOST') ?? env.getStr('SYNAPSE_HOST') ?? '',
    pluginDir: plugin.dir,
    actionName: source.actionName,
    pluginReleaseId,
    jobId: source.jobId,
    params: Object.freeze({ ...given }),
    modelId: params.model_id,
    numReplicas: params.num_replicas,
    rayActorOptions: actorOptions(params),
    // A copy: freezing must not reach into the plugin config it was built from.
    runtimeEnv: structuredClone(runtimeEnv),
    waitTimeoutMs,
  });
}

/** Freezes `value` and every plain object and array it holds, except already frozen ones. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const item of Object.values(value)) deepFreeze(item);
  return Object.freeze(value);
}
