import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { PluginConfig, RuntimeContext } from '@synapse-sdk/core';
import { parsePluginConfig } from '@synapse-sdk/core';

/** The plugin a deploy packages and names its application after. */
export interface PluginSource {
  /** Absolute plugin directory. */
  dir: string;
  /** Its config.yaml (named in errors even when absent). */
  configFile: string;
  /** The validated config.yaml; undefined when the directory has none. */
  config: PluginConfig | undefined;
}

/**
 * The plugin of the run: the one its runner handed over in `ctx.plugin` (the CLI's, loaded and
 * validated once), else, for a program that runs an action itself, `SYNAPSE_PLUGIN_DIR` or
 * the working directory, with its config.yaml if it has one.
 */
export function pluginSource(ctx: RuntimeContext): PluginSource {
  if (ctx.plugin) {
    return { dir: ctx.plugin.dir, configFile: ctx.plugin.file, config: ctx.plugin.config };
  }
  const dir = resolve(ctx.env.getStr('SYNAPSE_PLUGIN_DIR') ?? process.cwd());
  const configFile = join(dir, 'config.yaml');
  let text: string | undefined;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return {
    dir,
    configFile,
    config: text === undefined ? undefined : parsePluginConfig(text, configFile),
  };
}
