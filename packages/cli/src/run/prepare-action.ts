import { resolve } from 'node:path';

import type { BaseAction, Logger, RuntimeContext } from '@synapse-sdk/core';
import { ParamsValidationError, StepRegistry } from '@synapse-sdk/core';

import { configFlagEnv } from '../options/config-flags.js';
import { parseParamsOption } from '../options/parse-params.js';
import { timeoutFlagEnv } from '../options/timeout-option.js';
import type { LoadedPluginAction } from '../plugin/load-plugin-action.js';
import { loadPluginAction } from '../plugin/load-plugin-action.js';
import { buildRunEnv } from './build-run-env.js';
import { createRunContext } from './create-run-context.js';

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
 * Everything `plugin run` and `serve plan` do before the first request: read `--params`, load
 * the plugin and its action, build the environment, clients, container and context, and
 * construct the action (which validates its params). The plugin goes to the action as an object
 * (`ctx.plugin`), loaded once. The run's environment is also applied to `process.env`, for
 * plugin code that reads it directly.
 */
export async function prepareAction(options: PrepareActionOptions): Promise<PreparedAction> {
  const params = await parseParamsOption(options.params, options.cwd);
  const plugin = await loadPluginAction(resolve(options.cwd, options.path ?? '.'), options.action);
  const env = buildRunEnv({
    processEnv: options.processEnv,
    configEnv: plugin.config.env,
    flagEnv: options.flagEnv,
    pluginDir: plugin.dir,
  });
  Object.assign(process.env, env);
  const ctx = await createRunContext({
    env,
    logger: options.logger,
    signal: options.signal,
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
 * The names of the steps `action.setupSteps` registers, to show them as pending before the run
 * (it calls `setupSteps` on a throwaway registry); empty in `execute()` mode or when it throws.
 */
export function previewSteps(action: BaseAction, ctx: RuntimeContext): string[] {
  try {
    const registry = new StepRegistry(ctx.container);
    action.setupSteps(registry);
    return registry.getSteps().map((step) => step.name);
  } catch {
    return [];
  }
}

function asParams(params: unknown): Record<string, unknown> {
  return typeof params === 'object' && params !== null && !Array.isArray(params)
    ? (params as Record<string, unknown>)
    : {};
}
