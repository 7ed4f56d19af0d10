#!/usr/bin/env node
import { processIo } from '../cli-io.js';
import { runCli } from '../program.js';

runCli(process.argv.slice(2), processIo()).then(
  (code) => exitAfterFlush(code),
  (error: unknown) => {
    process.stderr.write(
      `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    exitAfterFlush(1);
  },
);

/** Exits once stdout has drained, so that piped JSON is never cut off. */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  if (process.stdout.writableLength === 0) process.exit(code);
  process.stdout.once('drain', () => process.exit(code));
}
