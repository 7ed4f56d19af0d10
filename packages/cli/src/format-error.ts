import { SynapseError, redactSecrets } from '@synapse-sdk/core';

import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import { UsageError } from './usage-error.js';

/** What the command knows about the run when it failed. */
export interface FormatErrorOptions {
  /** Print stacks (and their causes) after the line. */
  verbose?: boolean;
  /** True once the run reported progress or completed a step: a failure is then exit 1, not 2/3. */
  workBegan?: boolean;
  /** True when the run's AbortSignal fired (Ctrl-C): the exit code is 130 whatever was thrown. */
  cancelled?: boolean;
  /** Steps whose rollback ran, in order; named in the message. */
  rolledBack?: readonly string[];
}

/** An error ready to print: the stderr text, the exit code and the `--json` error object. */
export interface FormattedError {
  exitCode: ExitCode;
  /** `USAGE`, a {@link SynapseError} code, or `INTERNAL` for an unexpected error. */
  code: string;
  /** The deepest {@link SynapseError} code in the cause chain, when it differs from `code`. */
  rootCode: string | undefined;
  /** One line, without the `error: ` prefix; secrets masked. */
  message: string;
  hint: string | undefined;
  /** Everything to write on stderr, ending with a newline. */
  text: string;
}

const INPUT_CODES: ReadonlySet<string> = new Set([
  'PARAMS_INVALID',
  'CONFIG_INVALID',
  'CONTEXT_MISSING',
  'STEP_REGISTRY',
  'USAGE',
]);
const UNREACHABLE_CODES: ReadonlySet<string> = new Set(['HTTP_CONNECTION', 'HTTP_AUTH']);

/**
 * Turns anything thrown by a command into one line (`error: <what>. <how to fix>`), an exit
 * code and a machine-readable code. Further lines of a multi-line server message (Ray's
 * deployment errors) follow indented; stacks only with `verbose`.
 */
export function formatError(error: unknown, options: FormatErrorOptions = {}): FormattedError {
  const code = errorCode(error);
  const root = rootSynapseError(error);
  const rootCode = root && root.code !== code ? root.code : undefined;
  const hint = firstHint(error);
  const [first = '', ...rest] = redactSecrets(messageOf(error)).split(/\r?\n/);
  let message = first.trim() || 'unknown error';
  // A multi-line server message (a Python traceback) ends with the exception: keep it on the line.
  const last = rest
    .filter((line) => line.trim().length > 0)
    .pop()
    ?.trim();
  if (last !== undefined) message = `${message.replace(/[.:]\s*$/, '')} … ${last}`;
  if (options.rolledBack && options.rolledBack.length > 0 && !/rolled back/.test(message)) {
    message += ` (rolled back: ${options.rolledBack.join(', ')})`;
  }
  if (hint && !message.includes(hint)) {
    message = `${message.replace(/[.;:]\s*$/, '')}. ${hint.charAt(0).toUpperCase()}${hint.slice(1)}`;
  }
  const exitCode = exitCodeFor(error, code, root?.code, options);
  const detail = rest.filter((line) => line.trim().length > 0).map((line) => `  ${line}\n`);
  const stack = options.verbose ? stackText(error) : '';
  return {
    exitCode,
    code,
    rootCode,
    message,
    hint,
    text: `error: ${message}\n${detail.join('')}${stack}`,
  };
}

function exitCodeFor(
  error: unknown,
  code: string,
  rootCode: string | undefined,
  options: FormatErrorOptions,
): ExitCode {
  if (options.cancelled || code === 'CANCELLED' || rootCode === 'CANCELLED') {
    return EXIT_CODES.CANCELLED;
  }
  if (error instanceof UsageError) return EXIT_CODES.USAGE;
  if (options.workBegan) return EXIT_CODES.FAILURE;
  const effective = rootCode ?? code;
  if (INPUT_CODES.has(code) || INPUT_CODES.has(effective)) return EXIT_CODES.USAGE;
  if (UNREACHABLE_CODES.has(effective)) return EXIT_CODES.UNREACHABLE;
  return EXIT_CODES.FAILURE;
}

function errorCode(error: unknown): string {
  if (error instanceof UsageError) return error.code;
  if (SynapseError.is(error)) return error.code;
  return 'INTERNAL';
}

function rootSynapseError(error: unknown): SynapseError | undefined {
  let found: SynapseError | undefined;
  for (const item of causeChain(error)) if (SynapseError.is(item)) found = item;
  return found;
}

function firstHint(error: unknown): string | undefined {
  for (const item of causeChain(error)) {
    const hint = (item as { hint?: unknown }).hint;
    if (typeof hint === 'string' && hint.trim()) return redactSecrets(hint.trim());
  }
  return undefined;
}

function* causeChain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    yield current;
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

function stackText(error: unknown): string {
  const parts: string[] = [];
  let prefix = '';
  for (const item of causeChain(error)) {
    if (item instanceof Error && item.stack) parts.push(`${prefix}${redactSecrets(item.stack)}\n`);
    prefix = 'Caused by: ';
  }
  return parts.join('');
}
