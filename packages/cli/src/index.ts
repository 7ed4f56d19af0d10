/**
 * `@synapse-sdk/cli`: the `synapse` command. The bin is `dist/bin/synapse.js`; this entry runs
 * it inside another program.
 *
 * @example
 * ```ts
 * import { processIo, runCli } from '@synapse-sdk/cli';
 * process.exitCode = await runCli(['serve', 'status', '--json'], processIo());
 * ```
 *
 * @packageDocumentation
 */
export type { CliIo, CliStream } from './cli-io.js';
export { processIo } from './cli-io.js';
export type { ExitCode } from './exit-codes.js';
export { EXIT_CODES } from './exit-codes.js';
export { runCli } from './program.js';
