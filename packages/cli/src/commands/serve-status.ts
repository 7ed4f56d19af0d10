import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import { writeDocument } from '../render/write-document.js';
import { formatStatusTable, selectApplications } from '../serve/format-status-table.js';
import { rayClientFromFlags } from '../serve/ray-client-from-flags.js';
import { UsageError } from '../usage-error.js';
import { runCommand } from './run-command.js';

/** Options of `synapse serve status`. */
export interface ServeStatusOptions extends Record<string, unknown> {
  output?: string;
  json?: boolean;
  verbose?: boolean;
}

/**
 * `synapse serve status [APP]`: a table of Serve applications, or with `-o json|yaml` the
 * details as the dashboard returns them.
 */
export async function serveStatus(
  app: string | undefined,
  options: ServeStatusOptions,
  cliIo: CliIo,
): Promise<ExitCode> {
  return await runCommand(cliIo, { ...options, readOnly: true }, async (scope) => {
    const { io, output, signal } = scope;
    const ray = rayClientFromFlags(options, io.env, scope.logger());
    const details = await ray.getApplications(signal);
    const selected = selectApplications(details, app);
    if (!selected) throw noSuchApplication(app ?? '', Object.keys(details.applications));
    if (output === 'json' || output === 'yaml') {
      writeDocument(io.stdout, output, app === undefined ? details : selected[app], 2);
    } else if (Object.keys(selected).length === 0) {
      io.stdout.write(`no Serve applications on ${ray.address}\n`);
    } else {
      io.stdout.write(`${formatStatusTable(selected, terminalWidth(io))}\n`);
    }
    return EXIT_CODES.OK;
  });
}

/**
 * The width the table must fit: the terminal's, or `COLUMNS` when set (for a pipe or a file);
 * otherwise none, so that a pipe gets every character.
 */
function terminalWidth(io: CliIo): number | undefined {
  if (io.stdout.isTTY === true && io.stdout.columns) return io.stdout.columns;
  const columns = Number(io.env['COLUMNS']);
  return Number.isInteger(columns) && columns > 0 ? columns : undefined;
}

/** The error for an application that is not deployed, listing the ones that are. */
export function noSuchApplication(name: string, running: readonly string[]): UsageError {
  return new UsageError(
    `no application named ${name}; running: ${running.length > 0 ? [...running].sort().join(', ') : 'none'}`,
    { hint: "check the name with 'synapse serve status'" },
  );
}
