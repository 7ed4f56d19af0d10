import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';

import { ConsoleLogger } from '@synapse-sdk/core/base';
import type { DevServer } from '@synapse-sdk/devserver';
import { DEFAULT_BIN_PORTS, startDevServer } from '@synapse-sdk/devserver';

import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import { shellQuote } from '../shell-quote.js';
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
 * (then stops cleanly and exits 0). A `--state` file in a missing or read-only directory, a bad
 * state file or a port in use exit 2 with one line naming the file or the port and its flag.
 */
export async function dev(options: DevOptions, io: CliIo): Promise<ExitCode> {
  let server: DevServer;
  try {
    const token = options.token;
    const ports = {
      dashboard: port('--dashboard-port', options.dashboardPort, DEFAULT_BIN_PORTS.dashboard),
      serve: port('--serve-port', options.servePort, DEFAULT_BIN_PORTS.serve),
      backend: port('--backend-port', options.backendPort, DEFAULT_BIN_PORTS.backend),
      agent: port('--agent-port', options.agentPort, DEFAULT_BIN_PORTS.agent),
    };
    const stateFile =
      options.state === undefined ? undefined : checkStateFile(resolvePath(io.cwd, options.state));
    server = await startDevServer({
      ports,
      ...(token === undefined ? {} : { authToken: token, backendToken: token, agentToken: token }),
      ...(stateFile === undefined ? {} : { stateFile }),
      logger: new ConsoleLogger({ level: options.verbose ? 'debug' : 'info', stream: io.stderr }),
    }).catch((error: unknown) => {
      throw portInUse(error, ports) ?? error;
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

// Exported without --token: the clients need some token, and the devserver then accepts any.
const PLACEHOLDER_TOKEN = 'dev';

/**
 * The variables that point the SDK at a devserver: the dashboard, the Serve proxy
 * (`RAY_SERVE_URL`), the backend and the agent. Without a token the devserver accepts any
 * credentials, and the backend and agent tokens are the placeholder `dev`; with one, every
 * token variable carries it, `RAY_AUTH_TOKEN` too.
 */
export function devExportEnv(
  server: Pick<DevServer, 'dashboardUrl' | 'serveUrl' | 'backendUrl' | 'agentUrl'>,
  token: string | undefined,
): Record<string, string> {
  const credential = token ?? PLACEHOLDER_TOKEN;
  return {
    RAY_DASHBOARD_ADDRESS: server.dashboardUrl,
    RAY_SERVE_URL: server.serveUrl,
    SYNAPSE_HOST: server.backendUrl,
    SYNAPSE_ACCESS_TOKEN: credential,
    SYNAPSE_AGENT_HOST: server.agentUrl,
    SYNAPSE_AGENT_TOKEN: credential,
    ...(token === undefined ? {} : { RAY_AUTH_TOKEN: token }),
  };
}

/** {@link devExportEnv} as `export NAME=value` lines for a POSIX shell. */
export function devExportLines(
  server: Pick<DevServer, 'dashboardUrl' | 'serveUrl' | 'backendUrl' | 'agentUrl'>,
  token: string | undefined,
): string[] {
  return Object.entries(devExportEnv(server, token)).map(
    ([key, value]) => `export ${key}=${shellQuote(value)}`,
  );
}

/** The absolute state file, once its directory is known to exist and to be writable. */
function checkStateFile(file: string): string {
  const dir = dirname(file);
  let problem: string | undefined;
  try {
    if (!statSync(dir).isDirectory()) problem = 'is not a directory';
    else accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problem =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? 'does not exist'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'is not writable'
          : `cannot be used (${code ?? String(error)})`;
  }
  if (problem === undefined && existsSync(file) && statSync(file).isDirectory()) {
    throw new UsageError(`--state ${file} is a directory`, {
      hint: 'pass a file path, e.g. --state .synapse-dev.json',
    });
  }
  if (problem !== undefined) {
    throw new UsageError(`--state ${file}: its directory ${dir} ${problem}`, {
      hint: 'create the directory or pass --state with a path in a writable directory',
    });
  }
  return file;
}

/** A port already in use, as a usage error naming it and the flag that changes it. */
function portInUse(error: unknown, ports: Record<PortName, number>): UsageError | undefined {
  for (let item: unknown = error; item instanceof Error; item = item.cause) {
    const { code, port: taken } = item as NodeJS.ErrnoException & { port?: unknown };
    if (code !== 'EADDRINUSE' || typeof taken !== 'number') continue;
    const names = (Object.keys(ports) as PortName[]).filter((key) => ports[key] === taken);
    const flags = names.map((name) => PORT_FLAGS[name]).join(' or ') || 'the --*-port flags';
    const which = names.length > 0 ? ` (${names.join(' and ')} port)` : '';
    return new UsageError(`port ${taken} is already in use${which}`, {
      hint: `stop what uses it, or pass ${flags} with another port (0 picks a free one)`,
      cause: error,
    });
  }
  return undefined;
}

type PortName = 'dashboard' | 'serve' | 'backend' | 'agent';

const PORT_FLAGS: Record<PortName, string> = {
  dashboard: '--dashboard-port',
  serve: '--serve-port',
  backend: '--backend-port',
  agent: '--agent-port',
};

function port(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new UsageError(`${flag} must be a port number between 0 and 65535, got "${value}"`);
  }
  return parsed;
}
