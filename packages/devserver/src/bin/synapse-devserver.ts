#!/usr/bin/env node
import { runCli } from './run-cli.js';

const stopSignal = new Promise<string>((resolve) => {
  process.once('SIGINT', () => resolve('SIGINT'));
  process.once('SIGTERM', () => resolve('SIGTERM'));
});

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stopSignal }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`synapse-devserver: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
