/** Inputs of {@link buildRunEnv}. */
export interface BuildRunEnvOptions {
  /** The process environment. */
  processEnv: Readonly<Record<string, string | undefined>>;
  /** config.yaml `env`: defaults for the run. */
  configEnv?: Readonly<Record<string, string | number | boolean>>;
  /** Variables set by command-line flags (see `CONFIG_FLAGS`). */
  flagEnv?: Readonly<Record<string, string>>;
  /** Absolute plugin directory, exported as `SYNAPSE_PLUGIN_DIR`. */
  pluginDir?: string;
}

/**
 * The environment of a run, lowest precedence first: config.yaml `env` (the plugin's
 * defaults), then the process environment (so a user can override a plugin default without
 * editing it), then command-line flags; `SYNAPSE_PLUGIN_DIR` is always the plugin directory.
 */
export function buildRunEnv(options: BuildRunEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.configEnv ?? {})) env[key] = String(value);
  for (const [key, value] of Object.entries(options.processEnv)) {
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, options.flagEnv ?? {});
  if (options.pluginDir !== undefined) env['SYNAPSE_PLUGIN_DIR'] = options.pluginDir;
  return env;
}
