import { resolve } from 'node:path';

import { RayServeClient } from '@synapse-sdk/clients/ray';
import type { BaseAction, Logger, RuntimeContext } from '@synapse-sdk/core';
import { ParamsValidationError } from '@synapse-sdk/core/base';

import { configFlagEnv } from '../options/config-flags.js';
import { parseParamsOption } from '../options/parse-params.js';
import { timeoutFlagEnv } from '../options/timeout-option.js';
import { findPluginAction } from '../plugin/find-plugin-action.js';
import type { LoadedPluginAction } from '../plugin/load-plugin-action.js';
import { buildRunEnv } from './build-run-env.js';

/** Inputs of {@link prepareAction}. */
export interface PrepareActionOptions {
  /** Action name in config.yaml. */
  action: string;
  /** Plugin directory, relative to `cwd`. @default '.' */
  path?: string | undefined;
  /** The raw `--params` option. */
  params?: string | undefined;
  /** Variables set by config flags. */
  flagEnv: Readonly<Record<string, string>>;
  processEnv: Readonly<Record<string, string | undefined>>;
  cwd: string;
  logger: Logger;
  signal: AbortSignal;
}

/** The command-line options {@link prepareAction} reads: where the plugin is, its params, the config flags. */
export interface ActionFlags extends Readonly<Record<string, unknown>> {
  path?: string | undefined;
  params?: string | undefined;
}

/** {@link PrepareActionOptions} from a command's flags and streams. */
export function actionOptions(
  action: string,
  flags: ActionFlags,
  io: { env: Readonly<Record<string, string | undefined>>; cwd: string },
  logger: Logger,
  signal: AbortSignal,
): PrepareActionOptions {
  return {
    action,
    path: flags.path,
    params: flags.params,
    // --no-wait (commander's `wait: false`) reaches the action the way config flags do.
    flagEnv: {
      ...configFlagEnv(flags),
      ...timeoutFlagEnv(flags),
      ...(flags['wait'] === false ? { SYNAPSE_NO_WAIT: '1' } : {}),
    },
    processEnv: io.env,
    cwd: io.cwd,
    logger,
    signal,
  };
}

/** An action instance with validated params and its runtime context; nothing sent yet. */
export interface PreparedAction {
  plugin: LoadedPluginAction;
  ctx: RuntimeContext;
  action: BaseAction;
  /** The environment of the run. */
  env: Record<string, string>;
  /** The params as given (`--params`), before the action's schema applied its defaults. */
  params: Record<string, unknown>;
}

/**
 * Everything `plugin run` and `serve plan` do before their steps run: read `--params`, load
 * the plugin and its action, build the environment, clients, container and context, and
 * construct the action (which validates its params). The plugin goes to the action as an object
 * (`ctx.plugin`), loaded once. The run's environment is also applied to `process.env`, for
 * plugin code that reads it directly.
 *
 * Once `--params` and config.yaml are known to be good, and before the plugin's TypeScript and
 * the engine load (most of the start-up time), the deploy's first request is sent: the Ray
 * client reads the dashboard's version meanwhile, and the deploy's connect gets that answer
 * (see `RayServeClient.prefetchVersion`). It is a read: bad params found once the action's
 * schema has loaded still leave everything as it was.
 */
export async function prepareAction(options: PrepareActionOptions): Promise<PreparedAction> {
  const params = await parseParamsOption(options.params, options.cwd);
  const found = await findPluginAction(resolve(options.cwd, options.path ?? '.'), options.action);
  const env = buildRunEnv({
    processEnv: options.processEnv,
    configEnv: found.config.env,
    flagEnv: options.flagEnv,
    pluginDir: found.dir,
  });
  const rayClient = earlyRayClient(env, options.logger);
  // Only toward a dashboard the run names: a plugin that never talks to Ray, run where none is
  // configured, sends nothing to the default address.
  if (env['RAY_DASHBOARD_ADDRESS']) rayClient?.prefetchVersion(options.signal);
  // The engine, inversify and the plugin's TypeScript load from here on.
  const [{ importPluginAction }, { createRunContext }] = await Promise.all([
    import('../plugin/load-plugin-action.js'),
    import('./create-run-context.js'),
  ]);
  const plugin = await importPluginAction(found);
  Object.assign(process.env, env);
  const ctx = await createRunContext({
    env,
    logger: options.logger,
    signal: options.signal,
    rayClient,
    containerModules: plugin.containerModules,
    plugin: { dir: plugin.dir, file: plugin.configFile, config: plugin.config },
  });
  let action: BaseAction;
  try {
    action = new plugin.ActionClass(params, ctx);
  } catch (error) {
    if (!(error instanceof ParamsValidationError) || error.hint !== undefined) throw error;
    throw new ParamsValidationError(error.issues, {
      hint: `fix --params to match the schema of action '${options.action}' (its paramsSchema)`,
      cause: error,
    });
  }
  return { plugin, ctx, action, env, params: asParams(params) };
}

/**
 * The run's Ray client, made before the plugin's code loads; undefined when the environment
 * does not make one (a malformed address), for `createRunContext` to report that in its turn,
 * after the plugin's own errors, as it always has.
 */
function earlyRayClient(env: Record<string, string>, logger: Logger): RayServeClient | undefined {
  try {
    return RayServeClient.fromEnv(env, { logger });
  } catch {
    return undefined;
  }
}

function asParams(params: unknown): Record<string, unknown> {
  return typeof params === 'object' && params !== null && !Array.isArray(params)
    ? (params as Record<string, unknown>)
    : {};
}
