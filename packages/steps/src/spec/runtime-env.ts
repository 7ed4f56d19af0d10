import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { PluginConfig } from '@synapse-sdk/core';
import { ConfigError } from '@synapse-sdk/core';

import { splitArgs } from './split-args.js';

/** What requirements.txt holds: package lines and option lines (those starting with `-`). */
export interface Requirements {
  packages: string[];
  options: string[];
}

/** Reads `<dir>/requirements.txt`; undefined when there is none. Blank and `#` lines are dropped. */
export function readRequirements(dir: string): Requirements | undefined {
  const file = join(dir, 'requirements.txt');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(file, `cannot be read: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
  const packages: string[] = [];
  const options: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (!line.startsWith('-')) {
      packages.push(line);
      return;
    }
    try {
      options.push(...splitArgs(line));
    } catch (error) {
      throw new ConfigError(`${file}:${index + 1}`, (error as Error).message);
    }
  });
  return { packages, options };
}

const DEFAULT_OPTIONS = { pip: ['--upgrade'], uv: ['--no-cache'] } as const;

/**
 * The Ray runtime_env of a plugin, as the Python SDK builds it: requirements.txt packages under
 * `pip` or `uv` (per config.yaml `package_manager`) with their install options, plus — which the
 * Python deployment action forgets — config.yaml `package_manager_options`, `env` (as
 * `env_vars`) and `runtime_env`.
 */
export function buildRuntimeEnv(
  dir: string,
  config: PluginConfig | undefined,
): Record<string, unknown> {
  const runtimeEnv: Record<string, unknown> = { ...(config?.runtime_env ?? {}) };
  const requirements = readRequirements(dir);
  if (requirements && requirements.packages.length > 0) {
    const manager = config?.package_manager ?? 'pip';
    const options = [...requirements.options, ...(config?.package_manager_options ?? [])];
    for (const option of DEFAULT_OPTIONS[manager]) {
      if (!options.includes(option)) options.push(option);
    }
    runtimeEnv[manager] =
      manager === 'pip'
        ? { packages: requirements.packages, pip_install_options: options }
        : { packages: requirements.packages, uv_pip_install_options: options };
  }
  const envVars = Object.fromEntries(
    Object.entries(config?.env ?? {}).map(([key, value]) => [key, String(value)]),
  );
  if (Object.keys(envVars).length > 0) {
    const existing = (runtimeEnv['env_vars'] as Record<string, string> | undefined) ?? {};
    runtimeEnv['env_vars'] = { ...envVars, ...existing };
  }
  return runtimeEnv;
}
