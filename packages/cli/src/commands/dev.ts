import { ConsoleLogger } from '@synapse-sdk/core';
import { DEFAULT_BIN_PORTS, startDevServer, type DevServer } from '@synapse-sdk/devserver';

import type { CliIo } from '../cli-io.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';
import { reportError } from './command-error.js';

/** Options of `synapse dev`. */
export interface DevOptions {
  dashboardPort?: string;
  servePort?: string;
  backendPort?: string;
  agentPort?: string;
  token?: string;
  state?: string;
  verbose?: boolean;
}

/**
 * `synapse dev`: starts the local simulator of the Ray dashboard, Serve proxy, Synapse backend
 * and agent, prints the `export` lines that point the SDK at it, and runs until SIGINT/SIGTERM
 * (then stops cleanly and exits 0).
 */
export async function dev(options: DevOptions, io: CliIo): Promise<ExitCode> {
  let server: DevServer;
  try {
    const token = options.token;
    server = await startDevServer({
      ports: {
        dashboard: port('--dashboard-port', options.dashboardPort, DEFAULT_BIN_PORTS.dashboard),
        serve: port('--serve-port', options.servePort, DEFAULT_BIN_PORTS.serve),
        backend: port('--backend-port', options.backendPort, DEFAULT_BIN_PORTS.backend),
        agent: port('--agent-port', options.agentPort, DEFAULT_BIN_PORTS.agent),
      },
      ...(token === undefined ? {} : { authToken: token, backendToken: token, agentToken: token }),
      ...(options.state === undefined ? {} : { stateFile: options.state }),
      logger: new ConsoleLogger({ level: options.verbose ? 'debug' : 'info', stream: io.stderr }),
    });
  } catch (error) {
    return reportError(io, error, { verbose: options.verbose === true });
  }
  io.stdout.write(`${devExportLines(server, options.token).join('\n')}\n`);
  io.stderr.write(
    `synapse dev: Serve proxy on ${server.serveUrl}; paste the lines above into your shell, then run 'synapse plugin run …'. Ctrl-C stops.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.stop();
  return EXIT_CODES.OK;
}

/**
 * The `export` lines that point the SDK at a devserver. Without a token the devserver checks no
 * credentials, and the agent and backend tokens are placeholders (clients need some value).
 */
export function devExportLines(
  server: Pick<DevServer, 'dashboardUrl' | 'backendUrl' | 'agentUrl'>,
  token: string | undefined,
): string[] {
  const credential = token ?? 'dev';
  const lines: [string, string][] = [
    ['RAY_DASHBOARD_ADDRESS', server.dashboardUrl],
    ['SYNAPSE_HOST', server.backendUrl],
    ['SYNAPSE_ACCESS_TOKEN', credential],
    ['SYNAPSE_AGENT_HOST', server.agentUrl],
    ['SYNAPSE_AGENT_TOKEN', credential],
  ];
  if (token !== undefined) lines.push(['RAY_AUTH_TOKEN', token]);
  return lines.map(([key, value]) => `export ${key}=${shellQuote(value)}`);
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function port(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new UsageError(`${flag} must be a port number between 0 and 65535, got "${value}"`);
  }
  return parsed;
}
