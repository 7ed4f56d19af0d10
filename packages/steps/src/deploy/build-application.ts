import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { ServeApplicationConfig } from '@synapse-sdk/clients';
import { ConfigError } from '@synapse-sdk/core';

import type { PackageCompression } from '../packaging/compression.js';
import { packagePlugin } from '../packaging/package-plugin.js';
import type { WorkingDirPackage } from '../packaging/package-working-dir.js';
import { BUILDER_IMPORT_PATH } from '../packaging/serve-builder.js';
import type { DeploymentSpec } from '../spec/deployment-spec.js';

/** A Python class path split into its module and class. */
export interface PythonClassPath {
  module: string;
  className: string;
}

/** Parses `module.path:Class` or `module.path.Class`. */
export function parseClassPath(entrypoint: string): PythonClassPath {
  const colon = entrypoint.split(':');
  const dot = entrypoint.lastIndexOf('.');
  // Without ':' the class follows the last '.'; a path with neither names no class at all.
  const [module, className] =
    colon.length === 2
      ? colon
      : dot > 0
        ? [entrypoint.slice(0, dot), entrypoint.slice(dot + 1)]
        : [entrypoint, ''];
  const valid = /^[A-Za-z_][\w.]*$/;
  if (!module || !className || !valid.test(module) || !/^[A-Za-z_]\w*$/.test(className)) {
    throw new ConfigError(
      'entrypoint',
      `'${entrypoint}' is not a Python class path; use 'module:Class', e.g. 'serve_app:MyDeployment'`,
      [],
      {
        hint: "set the action's static entrypoint to the serve class, e.g. 'serve_app:MyDeployment'",
      },
    );
  }
  return { module, className };
}

/** The application config to deploy and the package it runs from. */
export interface PreparedApplication {
  app: ServeApplicationConfig;
  pkg: WorkingDirPackage;
}

/**
 * Packages the plugin directory with the generated builder module and builds the Serve
 * application config of `spec`: the builder as `import_path`, the serve class and backend URL
 * as `args`, the runtime env with the uploaded `working_dir`, and the actor options and
 * `userConfig` (Ray hands it to the class's `reconfigure`) as an override of the one deployment
 * the builder creates (named after the class).
 */
export async function prepareApplication(
  spec: DeploymentSpec,
  options: {
    compression?: PackageCompression | undefined;
    userConfig?: Record<string, unknown> | undefined;
  } = {},
): Promise<PreparedApplication> {
  const { module, className } = parseClassPath(spec.entrypoint);
  const pkg = await packagePlugin(spec.pluginDir, spec.runtimeEnv, options.compression);
  const modulePath = module.split('.').join('/');
  if (!pkg.files.includes(`${modulePath}.py`) && !pkg.files.includes(`${modulePath}/__init__.py`)) {
    await pkg.remove();
    throw new ConfigError(
      'entrypoint',
      `'${spec.entrypoint}' names module ${module}, but ${modulePath}.py is not in ${spec.pluginDir} (or is excluded by .gitignore / runtime_env.excludes)`,
      [],
      {
        hint: `add ${modulePath}.py to the plugin directory, or fix the action's static entrypoint`,
      },
    );
  }
  const moduleFile = pkg.files.includes(`${modulePath}.py`)
    ? `${modulePath}.py`
    : `${modulePath}/__init__.py`;
  if (!(await mayDefine(join(spec.pluginDir, moduleFile), className))) {
    await pkg.remove();
    throw new ConfigError(
      'entrypoint',
      `'${spec.entrypoint}' names class ${className}, but ${moduleFile} in ${spec.pluginDir} never mentions it`,
      [],
      { hint: `define class ${className} in ${moduleFile}, or fix the action's static entrypoint` },
    );
  }
  // Plain copies: the spec is frozen, and the config goes to a schema, a JSON body and a record.
  const app: ServeApplicationConfig = {
    name: spec.serveAppName,
    route_prefix: spec.routePrefix,
    import_path: BUILDER_IMPORT_PATH,
    runtime_env: { ...structuredClone(spec.runtimeEnv), working_dir: pkg.uri },
    args: { entrypoint: `${module}:${className}`, backend_url: spec.backendUrl },
    ...deploymentOverride(className, spec.rayActorOptions, options.userConfig),
  };
  return { app, pkg };
}

/** The override of the builder's one deployment: actor options and user_config, when given. */
function deploymentOverride(
  className: string,
  rayActorOptions: Readonly<Record<string, number>>,
  userConfig: Record<string, unknown> | undefined,
): Pick<ServeApplicationConfig, 'deployments'> {
  const hasOptions = Object.keys(rayActorOptions).length > 0;
  if (!hasOptions && userConfig === undefined) return {};
  return {
    deployments: [
      {
        name: className,
        ...(hasOptions ? { ray_actor_options: { ...rayActorOptions } } : {}),
        ...(userConfig === undefined ? {} : { user_config: userConfig }),
      },
    ],
  };
}

/**
 * False only when the module's source cannot define `name`: the word appears nowhere in it and
 * it has no star import or module `__getattr__` that could bring it in. Anything else is left
 * for Python to decide on the cluster.
 */
async function mayDefine(file: string, name: string): Promise<boolean> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch {
    return true;
  }
  if (/\bimport\s+\*|__getattr__/.test(source)) return true;
  return new RegExp(`\\b${name}\\b`).test(source);
}
