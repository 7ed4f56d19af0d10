/**
 * `@synapse-sdk/cli`: the `synapse` command. The bin is `dist/bin/synapse.js`; this entry
 * exposes its pieces for programs that embed it.
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
export type { ExitCode } from './exit-codes.js';
export type { FormatErrorOptions, FormattedError } from './format-error.js';
export type { ConfigFlag } from './options/config-flags.js';
export type { LoadedPluginAction } from './plugin/load-plugin-action.js';
export type { BuildRunEnvOptions } from './run/build-run-env.js';
export type { CreateRunContextOptions } from './run/create-run-context.js';
export type { LineState, LiveRendererOptions } from './render/live-renderer.js';
export type { OutputStream, RunEvents, RunOutcome, RunReporter } from './render/run-reporter.js';

export { processIo } from './cli-io.js';
export { devExportEnv, devExportLines } from './commands/dev.js';
export { EXIT_CODES } from './exit-codes.js';
export { formatError } from './format-error.js';
export { CONFIG_FLAGS, configFlagEnv } from './options/config-flags.js';
export { parseParamsOption } from './options/parse-params.js';
export { DEFAULT_PLUGIN_TSCONFIG, loadPluginAction } from './plugin/load-plugin-action.js';
export { SHARED_PACKAGES, registerPluginLoader } from './plugin/register-plugin-loader.js';
export { cliVersion } from './cli-version.js';
export { buildProgram, runCli } from './program.js';
export { LineReporter } from './render/line-reporter.js';
export { LiveRenderer } from './render/live-renderer.js';
export { buildRunEnv } from './run/build-run-env.js';
export { createRunContext } from './run/create-run-context.js';
export { formatPlan } from './serve/format-plan.js';
export { formatStatusTable } from './serve/format-status-table.js';
export { shellCommand, shellQuote } from './shell-quote.js';
export { UsageError } from './usage-error.js';
