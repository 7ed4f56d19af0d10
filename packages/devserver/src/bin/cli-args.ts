import { parseArgs } from 'node:util';

import { DEFAULT_BIN_PORTS } from '../dev-server.js';
import type { DevServerOptions } from '../options.js';
import { parseRayVersion } from '../ray/ray-behaviour.js';

/** Usage text of `synapse-devserver`. */
export const USAGE = `Usage: synapse-devserver [options]

Local simulator of the Ray dashboard (Serve REST API, packages), the Serve proxy and the
Synapse backend/agent. Prints the environment to export, then runs until Ctrl-C.

Options:
  --host <addr>               interface to listen on (default 127.0.0.1)
  --dashboard-port <n>        Ray dashboard port (default ${DEFAULT_BIN_PORTS.dashboard}; 0 = random)
  --serve-port <n>            Serve proxy port (default ${DEFAULT_BIN_PORTS.serve})
  --backend-port <n>          Synapse backend port (default ${DEFAULT_BIN_PORTS.backend})
  --agent-port <n>            Synapse agent port (default ${DEFAULT_BIN_PORTS.agent})
  --ray-version <v>           Ray release to emulate (default 2.58.0; below 2.58 the older behaviour)
  --token <t>                 require this token on the dashboard, backend and agent
  --ray-token <t>             enable Ray token auth (clients send "Authorization: Bearer <t>")
  --backend-token <t>         require "Synapse-Access-Token: Token <t>" on the backend
  --agent-token <t>           require "Authorization: <t>" on the agent
  --state <file>              keep apps, packages and backend records across restarts
  --strict-extras             reject unknown keys in Serve configs (Ray <= 2.6 behaviour)
  --build-time-ms <n>         simulated build time (default 300)
  --replica-start-time-ms <n> simulated replica start time (default 300)
  --verbose                   log every request to stderr
  -h, --help                  show this help

The flags are spelled as in 'synapse dev'. A service's own token flag wins over --token; tokens
can also come from DEVSERVER_AUTH_TOKEN, DEVSERVER_BACKEND_TOKEN, DEVSERVER_AGENT_TOKEN.`;

/** Parsed command line: options for startDevServer, or a request for help. */
export type CliParse =
  | { help: true }
  | { help: false; options: DevServerOptions; verbose: boolean };

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`--${name} must be a port number between 0 and 65535, got "${value}"`);
  return n;
}

function ms(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`--${name} must be a non-negative number of milliseconds, got "${value}"`);
  return n;
}

/** Parses `synapse-devserver` arguments; throws an Error with a one-line message on bad input. */
export function parseCliArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): CliParse {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      'dashboard-port': { type: 'string' },
      'serve-port': { type: 'string' },
      'backend-port': { type: 'string' },
      'agent-port': { type: 'string' },
      'ray-version': { type: 'string' },
      token: { type: 'string' },
      'ray-token': { type: 'string' },
      'backend-token': { type: 'string' },
      'agent-token': { type: 'string' },
      state: { type: 'string' },
      // Earlier spellings, still accepted, no longer listed: --ray-token and --state.
      'auth-token': { type: 'string' },
      'state-file': { type: 'string' },
      'strict-extras': { type: 'boolean' },
      'build-time-ms': { type: 'string' },
      'replica-start-time-ms': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const timings: NonNullable<DevServerOptions['timings']> = {};
  const build = ms('build-time-ms', values['build-time-ms']);
  if (build !== undefined) timings.buildTimeMs = build;
  const start = ms('replica-start-time-ms', values['replica-start-time-ms']);
  if (start !== undefined) timings.replicaStartTimeMs = start;
  const options: DevServerOptions = {
    host: values.host ?? '127.0.0.1',
    ports: {
      dashboard: port('dashboard-port', values['dashboard-port'], DEFAULT_BIN_PORTS.dashboard),
      serve: port('serve-port', values['serve-port'], DEFAULT_BIN_PORTS.serve),
      backend: port('backend-port', values['backend-port'], DEFAULT_BIN_PORTS.backend),
      agent: port('agent-port', values['agent-port'], DEFAULT_BIN_PORTS.agent),
    },
    strictExtras: values['strict-extras'] ?? false,
    timings,
  };
  const rayVersion = values['ray-version'];
  if (rayVersion !== undefined) {
    if (parseRayVersion(rayVersion) === undefined)
      throw new Error(`--ray-version must be a Ray version such as 2.58.0, got "${rayVersion}"`);
    options.rayVersion = rayVersion;
  }
  const auth =
    values['ray-token'] ?? values['auth-token'] ?? values.token ?? env['DEVSERVER_AUTH_TOKEN'];
  if (auth) options.authToken = auth;
  const backend = values['backend-token'] ?? values.token ?? env['DEVSERVER_BACKEND_TOKEN'];
  if (backend) options.backendToken = backend;
  const agent = values['agent-token'] ?? values.token ?? env['DEVSERVER_AGENT_TOKEN'];
  if (agent) options.agentToken = agent;
  const state = values.state ?? values['state-file'];
  if (state !== undefined) options.stateFile = state;
  return { help: false, options, verbose: values.verbose ?? false };
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_:/.@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The `export X=…` lines a shell needs to point the SDK at a running devserver. */
export function exportLines(
  urls: { dashboardUrl: string; backendUrl: string; agentUrl: string },
  tokens: {
    authToken?: string | undefined;
    backendToken?: string | undefined;
    agentToken?: string | undefined;
  },
): string[] {
  const vars: [string, string | undefined][] = [
    ['RAY_DASHBOARD_ADDRESS', urls.dashboardUrl],
    ['SYNAPSE_HOST', urls.backendUrl],
    ['SYNAPSE_ACCESS_TOKEN', tokens.backendToken],
    ['SYNAPSE_AGENT_HOST', urls.agentUrl],
    ['SYNAPSE_AGENT_TOKEN', tokens.agentToken],
    ['RAY_AUTH_TOKEN', tokens.authToken],
  ];
  return vars
    .filter((v): v is [string, string] => v[1] !== undefined)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`);
}
