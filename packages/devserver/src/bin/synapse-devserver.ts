#!/usr/bin/env node
import { ConsoleLogger } from '@synapse-sdk/core';
import { startDevServer } from '../dev-server.js';
import { USAGE, exportLines, parseCliArgs } from './cli-args.js';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`synapse-devserver: ${(error as Error).message}\nRun synapse-devserver --help for the options.\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const logger = new ConsoleLogger({ level: parsed.verbose ? 'debug' : 'info' });
  let dev;
  try {
    dev = await startDevServer({ ...parsed.options, logger });
  } catch (error) {
    process.stderr.write(`synapse-devserver: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`# synapse-devserver is running (serve proxy: ${dev.serveUrl}, admin: ${dev.dashboardUrl}/_devserver/state)\n`);
  process.stdout.write(`${exportLines(dev, parsed.options).join('\n')}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info('stopping', { signal });
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await dev.stop();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`synapse-devserver: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
