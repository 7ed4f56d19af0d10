import { ConsoleLogger } from '@synapse-sdk/core';
import { BaseDeploymentAction } from '@synapse-sdk/steps';

import type { CliIo } from '../cli-io.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { configFlagEnv } from '../options/config-flags.js';
import { outputFormatOf, type OutputFormat } from '../options/output-format.js';
import { writeEnvelope } from '../render/write-document.js';
import { createCancelSignal } from '../run/cancel-signal.js';
import { prepareAction } from '../run/prepare-action.js';
import { redirectStdout, type StdoutRedirect } from '../run/redirect-stdout.js';
import { formatPlan } from '../serve/format-plan.js';
import { UsageError } from '../usage-error.js';
import { reportError } from './command-error.js';

/** Options of `synapse serve plan`. */
export interface ServePlanOptions extends Record<string, unknown> {
  path?: string;
  action?: string;
  params?: string;
  output?: string;
  json?: boolean;
  verbose?: boolean;
}

/**
 * `synapse serve plan`: loads the plugin's deployment action as `plugin run` does and prints
 * what a deploy would change. Reads only; exit 0 whatever the plan says. With `-o json|yaml`,
 * what the plugin writes to stdout goes to stderr.
 */
export async function servePlan(options: ServePlanOptions, cliIo: CliIo): Promise<ExitCode> {
  let output: OutputFormat = 'text';
  let redirect: StdoutRedirect | undefined;
  let io = cliIo;
  const cancel = createCancelSignal((message) => io.stderr.write(`${message}\n`));
  try {
    output = outputFormatOf(options);
    redirect = output === 'text' ? undefined : redirectStdout(cliIo);
    io = redirect ? { ...cliIo, stdout: redirect.stdout } : cliIo;
    const logger = new ConsoleLogger({
      level: options.verbose ? 'debug' : 'warn',
      stream: io.stderr,
    });
    const actionName = options.action ?? 'deployment';
    const { action, plugin } = await prepareAction({
      action: actionName,
      path: options.path,
      params: options.params,
      flagEnv: configFlagEnv(options),
      processEnv: io.env,
      cwd: io.cwd,
      logger,
      signal: cancel.signal,
    });
    if (!(action instanceof BaseDeploymentAction)) {
      throw new UsageError(
        `action '${actionName}' of ${plugin.configFile} is not a deployment action (it does not extend BaseDeploymentAction)`,
        { hint: 'pass --action with the name of the deployment action' },
      );
    }
    const plan = await action.plan();
    if (output === 'json' || output === 'yaml') {
      writeEnvelope(io.stdout, output, { ok: true, result: plan });
    } else {
      io.stdout.write(formatPlan(plan, action.rayClient.address));
    }
    return EXIT_CODES.OK;
  } catch (error) {
    return reportError(io, error, {
      output,
      verbose: options.verbose === true,
      cancelled: cancel.signal.aborted,
    });
  } finally {
    cancel.dispose();
    redirect?.restore();
  }
}
