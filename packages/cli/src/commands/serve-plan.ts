import { BaseDeploymentAction } from '@synapse-sdk/steps';

import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES, PLAN_EXIT_CODES } from '../exit-codes.js';
import { writeEnvelope } from '../render/write-document.js';
import { actionOptions, prepareAction } from '../run/prepare-action.js';
import { formatPlan } from '../serve/format-plan.js';
import { UsageError } from '../usage-error.js';
import { runCommand } from './run-command.js';

/** Options of `synapse serve plan`. */
export interface ServePlanOptions extends Record<string, unknown> {
  path?: string;
  action?: string;
  params?: string;
  output?: string;
  json?: boolean;
  verbose?: boolean;
  detailedExitcode?: boolean;
}

/**
 * `synapse serve plan`: loads the plugin's deployment action as `plugin run` does and prints
 * what a deploy would change, each field old → new. Reads only; exit 0 whatever the plan says,
 * or with `--detailed-exitcode` as Terraform does: 0 nothing to send, 2 changes, 1 any error.
 * With `-o json|yaml`, what the plugin writes to stdout goes to stderr.
 */
export async function servePlan(options: ServePlanOptions, cliIo: CliIo): Promise<ExitCode> {
  const run = { ...options, pluginCode: true };
  let planned = false;
  const code = await runCommand(cliIo, run, async ({ io, output, signal, logger }) => {
    const actionName = options.action ?? 'deployment';
    const { action, plugin } = await prepareAction(
      actionOptions(actionName, options, io, logger(), signal),
    );
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
    planned = true;
    if (options.detailedExitcode === true && !plan.upToDate) return PLAN_EXIT_CODES.CHANGES;
    return EXIT_CODES.OK;
  });
  // 2 means "changes" here, so every error is 1, as Terraform's plan has it.
  return options.detailedExitcode === true && !planned ? PLAN_EXIT_CODES.ERROR : code;
}
