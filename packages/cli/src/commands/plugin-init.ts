import { relative, resolve } from 'node:path';

import { loadPluginConfig, PluginEnvironment } from '@synapse-sdk/core';
import { resolveRoutePrefix, resolveServeAppName } from '@synapse-sdk/steps';

import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import type { OutputFormat } from '../options/output-format.js';
import { outputFormatOf } from '../options/output-format.js';
import { scaffoldPlugin } from '../plugin/scaffold-plugin.js';
import { writeEnvelope } from '../render/write-document.js';
import { shellQuote } from '../shell-quote.js';
import { reportError } from './command-error.js';

/** Options of `synapse plugin init`. */
export interface PluginInitOptions extends Record<string, unknown> {
  output?: string;
  json?: boolean;
}

/**
 * `synapse plugin init [DIR]`: writes a working plugin to DIR (default `.`) and prints the
 * commands that check it, start the simulator and deploy it. Never overwrites a file.
 */
export async function pluginInit(
  dir: string | undefined,
  options: PluginInitOptions,
  io: CliIo,
): Promise<ExitCode> {
  let output: OutputFormat = 'text';
  try {
    output = outputFormatOf(options);
    const plugin = await scaffoldPlugin(resolve(io.cwd, dir ?? '.'));
    if (output === 'json' || output === 'yaml') {
      writeEnvelope(io.stdout, output, { ok: true, result: plugin });
      return EXIT_CODES.OK;
    }
    const path = shellQuote(relative(io.cwd, plugin.dir) || '.');
    // Where the deployed app will answer, as the deploy names it (env overrides included).
    const { config, file } = await loadPluginConfig(plugin.dir);
    const env = PluginEnvironment.fromEnviron({ ...io.env });
    const appName = resolveServeAppName(env, config, file);
    const route = resolveRoutePrefix(env, appName);
    const steps: [string, string][] = [
      [
        `synapse plugin check --path ${path}`,
        "config.yaml and the TypeScript, against the SDK's types",
      ],
      ['synapse dev', 'in another terminal: the local simulator; paste its export lines here'],
      [
        `synapse plugin run deployment --path ${path}`,
        'deploy serve_app.py:Model, wait until RUNNING',
      ],
      [`curl -d hello "$RAY_SERVE_URL${route}"`, `call it (app ${appName})`],
    ];
    const width = Math.max(...steps.map(([command]) => command.length));
    io.stdout.write(
      `created plugin ${plugin.code} in ${plugin.dir}: ${plugin.files.join(', ')}\n\nnext:\n` +
        steps.map(([command, why]) => `  ${command.padEnd(width)}  # ${why}\n`).join(''),
    );
    return EXIT_CODES.OK;
  } catch (error) {
    return reportError(io, error, { output });
  }
}
