import { ConsoleLogger } from '@synapse-sdk/core';

import type { DevServer } from '../dev-server.js';
import { startDevServer } from '../dev-server.js';
import { exportLines, parseCliArgs, USAGE } from './cli-args.js';

/** Where `runCli` writes and how it learns that it should stop. */
export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** Resolves with the signal name when the process should stop (SIGINT/SIGTERM in the bin). */
  stopSignal: Promise<string>;
  /** Called once the servers listen (tests use it to reach them). */
  onStarted?: (dev: DevServer) => void;
}

/**
 * The `synapse-devserver` command: parse flags, start the servers, print the `export` lines,
 * run until the stop signal, stop cleanly. Returns the exit code (0 ok, 1 failure, 2 usage).
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let parsed;
  try {
    parsed = parseCliArgs(argv, env);
  } catch (error) {
    io.stderr.write(
      `synapse-devserver: ${(error as Error).message}\nRun synapse-devserver --help for the options.\n`,
    );
    return 2;
  }
  if (parsed.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const logger = new ConsoleLogger({ level: parsed.verbose ? 'debug' : 'info', stream: io.stderr });
  let dev: DevServer;
  try {
    dev = await startDevServer({ ...parsed.options, logger });
  } catch (error) {
    io.stderr.write(`synapse-devserver: ${(error as Error).message}\n`);
    return 1;
  }
  io.stdout.write(
    `# synapse-devserver is running (serve proxy: ${dev.serveUrl}, admin: ${dev.dashboardUrl}/_devserver/state)\n`,
  );
  io.stdout.write(`${exportLines(dev, parsed.options).join('\n')}\n`);
  io.onStarted?.(dev);
  const signal = await io.stopSignal;
  logger.info('stopping', { signal });
  await dev.stop();
  return 0;
}
