/** A command-line flag that sets one environment variable of the run. */
export interface ConfigFlag {
  /** Commander flag spec, e.g. `--ray-address <url>`. */
  flags: string;
  /** Commander's camel-cased option key, e.g. `rayAddress`. */
  key: string;
  /** The variable the value is written to. */
  env: string;
  description: string;
  /** True for credentials: never printed. */
  secret: boolean;
}

/**
 * The configuration flags shared by `plugin run` and the `serve` commands. Each one sets the
 * environment variable named in `env`; a flag wins over the environment and config.yaml.
 */
export const CONFIG_FLAGS: readonly ConfigFlag[] = [
  {
    flags: '--ray-address <url>',
    key: 'rayAddress',
    env: 'RAY_DASHBOARD_ADDRESS',
    description: 'Ray dashboard URL (env RAY_DASHBOARD_ADDRESS, default http://localhost:8265)',
    secret: false,
  },
  {
    flags: '--ray-token <token>',
    key: 'rayToken',
    env: 'RAY_AUTH_TOKEN',
    description: 'Ray dashboard auth token (env RAY_AUTH_TOKEN)',
    secret: true,
  },
  {
    flags: '--host <url>',
    key: 'host',
    env: 'SYNAPSE_HOST',
    description: 'Synapse backend URL (env SYNAPSE_HOST)',
    secret: false,
  },
  {
    flags: '--token <token>',
    key: 'token',
    env: 'SYNAPSE_ACCESS_TOKEN',
    description: 'Synapse access token (env SYNAPSE_ACCESS_TOKEN)',
    secret: true,
  },
  {
    flags: '--agent-host <url>',
    key: 'agentHost',
    env: 'SYNAPSE_AGENT_HOST',
    description: 'Synapse agent URL (env SYNAPSE_AGENT_HOST)',
    secret: false,
  },
  {
    flags: '--agent-token <token>',
    key: 'agentToken',
    env: 'SYNAPSE_AGENT_TOKEN',
    description: 'Synapse agent token (env SYNAPSE_AGENT_TOKEN)',
    secret: true,
  },
  {
    flags: '--job-id <id>',
    key: 'jobId',
    env: 'SYNAPSE_JOB_ID',
    description: 'job to register the deployment under (env SYNAPSE_JOB_ID)',
    secret: false,
  },
];

/** The variables set by the config flags present in `options` (commander's parsed options). */
export function configFlagEnv(options: Readonly<Record<string, unknown>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const flag of CONFIG_FLAGS) {
    const value = options[flag.key];
    if (typeof value === 'string') env[flag.env] = value;
  }
  return env;
}

/**
 * The variables the config flags present in `options` set, each with its flag (`--ray-address`),
 * so that an error about a variable can name the flag the user actually typed.
 */
export function flagsSetIn(options: Readonly<Record<string, unknown>>): Record<string, string> {
  const flags: Record<string, string> = {};
  for (const flag of CONFIG_FLAGS) {
    if (typeof options[flag.key] === 'string') flags[flag.env] = flag.flags.split(' ')[0] ?? '';
  }
  return flags;
}
