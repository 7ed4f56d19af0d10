import type { CliIo } from '../cli-io.js';
import type { ExitCode } from '../exit-codes.js';
import { formatError, type FormatErrorOptions } from '../format-error.js';
import { toJson } from '../render/to-json.js';

/**
 * Reports a command's failure: the error line (and, with `verbose`, stacks) on stderr, and with
 * `json` the `{"ok": false, "error": {…}}` object on stdout. Returns the exit code.
 */
export function reportError(
  io: CliIo,
  error: unknown,
  options: FormatErrorOptions & { json?: boolean },
): ExitCode {
  const formatted = formatError(error, options);
  io.stderr.write(formatted.text);
  if (options.json) {
    const body: Record<string, unknown> = { code: formatted.code, message: formatted.message };
    if (formatted.rootCode !== undefined) body['rootCode'] = formatted.rootCode;
    if (formatted.hint !== undefined) body['hint'] = formatted.hint;
    if (formatted.rollbackErrors.length > 0) body['rollbackErrors'] = formatted.rollbackErrors;
    io.stdout.write(`${toJson({ ok: false, error: body })}\n`);
  }
  return formatted.exitCode;
}
