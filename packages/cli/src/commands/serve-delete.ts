import { removeApplication } from '@synapse-sdk/steps';

import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import { confirmInTerminal, requireTerminal } from '../prompt/confirm-in-terminal.js';
import { writeEnvelope } from '../render/write-document.js';
import { rayClientFromFlags } from '../serve/ray-client-from-flags.js';
import { runCommand } from './run-command.js';
import { noSuchApplication } from './serve-status.js';

/** Options of `synapse serve delete`. */
export interface ServeDeleteOptions extends Record<string, unknown> {
  yes?: boolean;
  output?: string;
  json?: boolean;
  verbose?: boolean;
}

/**
 * `synapse serve delete APP`: removes one application and keeps every other one (a
 * read-merge-PUT without it), then waits until it is gone. Asks for confirmation in a terminal
 * unless `--yes`; refuses without `--yes` when not in a terminal. Any answer but yes keeps the
 * app and exits 0 (a declined prompt is not an error); Ctrl-C at the prompt exits 130.
 */
export async function serveDelete(
  name: string,
  options: ServeDeleteOptions,
  cliIo: CliIo,
): Promise<ExitCode> {
  return await runCommand(cliIo, options, async ({ io, output, signal, logger }) => {
    const ray = rayClientFromFlags(options, io.env, logger());
    const refusal = {
      refusal: `refusing to delete ${name} without confirmation`,
      hint: 'pass --yes to delete without asking',
    };
    // Outside a terminal nobody can answer the prompt: say so before asking the cluster anything.
    if (options.yes !== true) requireTerminal(refusal, io);
    const details = await ray.getApplications(signal);
    const names = Object.keys(details.applications);
    if (!names.includes(name)) throw noSuchApplication(name, names);
    const confirmed =
      options.yes === true ||
      (await confirmInTerminal(
        { question: `delete application ${name} from ${ray.address}? [y/N] `, ...refusal },
        io,
        signal,
      ));
    if (!confirmed) {
      // Declining is an answer, not a failure: nothing was asked to change, nothing did.
      if (output === 'json' || output === 'yaml') {
        writeEnvelope(io.stdout, output, {
          ok: true,
          result: { removed: null, kept: [...names].sort(), declined: true },
        });
      } else {
        io.stdout.write(`not deleted: ${name} is kept (the answer was not yes)\n`);
      }
      return EXIT_CODES.OK;
    }
    await removeApplication(ray, name, { signal });
    const kept = names.filter((other) => other !== name).sort();
    if (output === 'json' || output === 'yaml') {
      writeEnvelope(io.stdout, output, { ok: true, result: { removed: name, kept } });
    } else {
      io.stdout.write(`deleted ${name}; kept: ${kept.length > 0 ? kept.join(', ') : 'none'}\n`);
    }
    return EXIT_CODES.OK;
  });
}
