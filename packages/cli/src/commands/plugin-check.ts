import { relative, resolve } from 'node:path';

import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import type { OutputFormat } from '../options/output-format.js';
import { outputFormatOf } from '../options/output-format.js';
import { checkPlugin } from '../plugin/check-plugin.js';
import { formatProblem } from '../plugin/plugin-problem.js';
import { writeEnvelope } from '../render/write-document.js';
import { reportError } from './command-error.js';

/** Options of `synapse plugin check`. */
export interface PluginCheckOptions extends Record<string, unknown> {
  path?: string;
  output?: string;
  json?: boolean;
}

/**
 * `synapse plugin check [--path DIR]`: validates config.yaml and type-checks the plugin's
 * TypeScript against the SDK's types. Each problem is one `error: file:line:col: …` line on
 * stderr; any problem exits 2. Runs none of the plugin's code and sends nothing.
 */
export async function pluginCheck(options: PluginCheckOptions, io: CliIo): Promise<ExitCode> {
  let output: OutputFormat = 'text';
  try {
    output = outputFormatOf(options);
    const check = await checkPlugin(resolve(io.cwd, options.path ?? '.'));
    const shown = relative(io.cwd, check.dir) || '.';
    const count = check.problems.length;
    if (output === 'json' || output === 'yaml') {
      writeEnvelope(
        io.stdout,
        output,
        count === 0
          ? {
              ok: true,
              result: {
                dir: check.dir,
                actions: check.actions,
                files: check.files,
                tsconfig: check.tsconfig,
              },
            }
          : {
              ok: false,
              error: {
                code: 'PLUGIN_INVALID',
                message: `${count} ${count === 1 ? 'problem' : 'problems'} in ${check.dir}`,
                problems: check.problems,
              },
            },
      );
    }
    if (count > 0) {
      for (const problem of check.problems)
        io.stderr.write(`error: ${formatProblem(problem, io.cwd)}\n`);
      io.stderr.write(
        `plugin check: ${count} ${count === 1 ? 'problem' : 'problems'} in ${shown}; nothing was run or sent\n`,
      );
      return EXIT_CODES.USAGE;
    }
    if (output === 'text') {
      const files = check.files.length;
      io.stdout.write(
        `${shown}: ok — config.yaml (actions: ${check.actions.join(', ')}) and ${files} TypeScript ${files === 1 ? 'file' : 'files'} type-checked against the SDK\n`,
      );
    }
    return EXIT_CODES.OK;
  } catch (error) {
    return reportError(io, error, { output });
  }
}
