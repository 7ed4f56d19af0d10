import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import type { FormatErrorOptions } from '../format-error.js';
import { formatError } from '../format-error.js';
import type { OutputFormat } from '../options/output-format.js';
import { writeEnvelope } from '../render/write-document.js';

/**
 * Reports a command's failure: the error line (and, with `verbose`, stacks) on stderr, and in a
 * machine format the `{"ok": false, "error": {…}}` envelope on stdout. Returns the exit code.
 */
export function reportError(
  io: CliIo,
  error: unknown,
  options: FormatErrorOptions & { output?: OutputFormat },
): ExitCode {
  const formatted = formatError(error, options);
  io.stderr.write(formatted.text);
  if (options.output !== undefined && options.output !== 'text') {
    const body: Record<string, unknown> = { code: formatted.code, message: formatted.message };
    if (formatted.rootCode !== undefined) body['rootCode'] = formatted.rootCode;
    if (formatted.hint !== undefined) body['hint'] = formatted.hint;
    if (formatted.rollbackErrors.length > 0) body['rollbackErrors'] = formatted.rollbackErrors;
    writeEnvelope(io.stdout, options.output, { ok: false, error: body });
  }
  return formatted.exitCode;
}
