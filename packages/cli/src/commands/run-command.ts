import type { Logger } from '@synapse-sdk/core/base';
import { ConsoleLogger } from '@synapse-sdk/core/base';

import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import type { FormatErrorOptions } from '../format-error.js';
import { flagsSetIn } from '../options/config-flags.js';
import type { OutputFormat } from '../options/output-format.js';
import { outputFormatOf } from '../options/output-format.js';
import { timeoutMsOf } from '../options/timeout-ms.js';
import type { CancelSignal } from '../run/cancel-signal.js';
import { createCancelSignal } from '../run/cancel-signal.js';
import type { StdoutRedirect } from '../run/redirect-stdout.js';
import { redirectStdout } from '../run/redirect-stdout.js';
import { reportError } from './command-error.js';

/** What a command's body gets from {@link runCommand}. */
export interface CommandScope {
  /** The command's streams; in a machine format with plugin code, stdout is the real one. */
  io: CliIo;
  /** The output format asked for (`-o`, `--json`). */
  output: OutputFormat;
  /** Aborts on Ctrl-C (SIGINT/SIGTERM), and once `--timeout` elapses. */
  signal: AbortSignal;
  /** A logger at `warn` (`debug` with `--verbose`) writing to `write`, else stderr. */
  logger(write?: (chunk: string) => void): Logger;
  /** Where the Ctrl-C notice goes; stderr until the body says otherwise. */
  onCancelNotice(write: (message: string) => void): void;
}

/** How {@link runCommand} runs a body: the command's parsed options, and what it needs. */
export interface RunCommandOptions extends Readonly<Record<string, unknown>> {
  verbose?: boolean | undefined;
  /** The body runs plugin code: in a machine format, what it writes to stdout goes to stderr. */
  pluginCode?: boolean | undefined;
  /** The body changes nothing it could undo: Ctrl-C stops it without announcing a rollback. */
  readOnly?: boolean | undefined;
  /** The command takes `--timeout`: without the flag, `SYNAPSE_TIMEOUT` gives it. */
  timeoutVariable?: boolean | undefined;
  /** What the run knows when it fails (work begun, steps rolled back), for the exit code. */
  failure?: (() => FormatErrorOptions) | undefined;
  /**
   * What a second Ctrl-C would leave undone (e.g. "application 'm@1' is left with this run's
   * config"), or undefined when nothing is: the exit code is then 4 instead of 130.
   */
  leftBehind?: (() => string | undefined) | undefined;
}

/**
 * Runs a command's body the way every command that acts does: Ctrl-C (and `--timeout`, when
 * the command takes it) aborts its signal; in a machine format with plugin code, stdout carries
 * only the command's own output; a failure is printed as one line (and the error envelope in a
 * machine format) and becomes the exit code.
 */
export async function runCommand(
  cliIo: CliIo,
  options: RunCommandOptions,
  body: (scope: CommandScope) => Promise<ExitCode>,
): Promise<ExitCode> {
  let output: OutputFormat = 'text';
  let redirect: StdoutRedirect | undefined;
  let io = cliIo;
  let notice = (message: string): void => void io.stderr.write(`${message}\n`);
  let cancel: CancelSignal | undefined;
  const level = options.verbose === true ? 'debug' : 'warn';
  try {
    output = outputFormatOf(options);
    const timeoutMs = timeoutMsOf(
      options,
      options.timeoutVariable === true ? cliIo.env : undefined,
    );
    cancel = createCancelSignal((message) => notice(message), {
      timeoutMs,
      timeoutSource: options['timeout'] === undefined ? 'SYNAPSE_TIMEOUT' : '--timeout',
      rollsBack: options.readOnly !== true,
      leftBehind: () => options.leftBehind?.(),
    });
    redirect = output !== 'text' && options.pluginCode ? redirectStdout(cliIo) : undefined;
    io = redirect ? { ...cliIo, stdout: redirect.stdout } : cliIo;
    return await body({
      io,
      output,
      signal: cancel.signal,
      logger: (write) => new ConsoleLogger({ level, stream: write ? { write } : io.stderr }),
      onCancelNotice: (write) => {
        notice = write;
      },
    });
  } catch (error) {
    return reportError(io, error, {
      ...options.failure?.(),
      output,
      verbose: options.verbose === true,
      cancelled: cancel?.signal.aborted === true,
      timedOut: cancel?.timedOut === true,
      setByFlags: flagsSetIn(options),
    });
  } finally {
    cancel?.dispose();
    redirect?.restore();
  }
}
