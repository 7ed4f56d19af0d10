import { redactSecrets, SynapseError } from '@synapse-sdk/core/base';

import type { ExitCode } from './exit-codes.js';
import { EXIT_CODES, exitClassOf } from './exit-codes.js';
import { UsageError } from './usage-error.js';

/** What the command knows about the run when it failed. */
export interface FormatErrorOptions {
  /** Print stacks (and their causes) after the line. */
  verbose?: boolean;
  /**
   * True once the run reported progress or completed a step: a failure is then exit 1, not 3
   * (bad input found by a step is still 2).
   */
  workBegan?: boolean;
  /**
   * True when the run's AbortSignal fired (Ctrl-C): the exit code is 130 whatever was thrown,
   * unless a rollback failed (4).
   */
  cancelled?: boolean;
  /** True when `--timeout` aborted the run: exit 124 instead of 130 (still 4 if a rollback failed). */
  timedOut?: boolean;
  /** Steps whose rollback succeeded, in order; named in the message. */
  rolledBack?: readonly string[];
  /**
   * Variables the command's flags set, each with its flag: a message about such a variable
   * says which flag set it (`RAY_DASHBOARD_ADDRESS (set by --ray-address)`).
   */
  setByFlags?: Readonly<Record<string, string>>;
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
  /** Messages of the rollbacks that failed (from the error's `rollbackErrors`); exit code 4. */
  rollbackErrors: readonly string[];
  /** Everything to write on stderr, ending with a newline. */
  text: string;
}

const ROLLBACK_FAILED_HINT = 'the cluster may not be as it was: check `synapse serve status`';

/**
 * Turns anything thrown by a command into one line (`error: <what>. <how to fix>`), an exit
 * code and a machine-readable code. Further lines of a multi-line server message (Ray's
 * deployment errors) follow indented; stacks only with `verbose`.
 */
export function formatError(error: unknown, options: FormatErrorOptions = {}): FormattedError {
  const code = errorCode(error);
  const root = rootSynapseError(error);
  const rootCode = root && root.code !== code ? root.code : undefined;
  const rollbackErrors = rollbackErrorsOf(error).map((text) => redactSecrets(text));
  const [first = '', ...rest] = redactSecrets(messageOf(error)).split(/\r?\n/);
  const detailLines = rest.filter((line) => line.trim().length > 0);
  const hint = hintFor(error, rollbackErrors.length > 0);
  let message = first.trim() || 'unknown error';
  // A multi-line server message (a Python traceback) ends with the exception: keep it on the line.
  const last = detailLines.at(-1)?.trim();
  if (last !== undefined) message = `${message.replace(/[.:]\s*$/, '')} … ${last}`;
  const note = rollbackNote(message, options.rolledBack ?? [], rollbackErrors);
  if (note) message += ` (${note})`;
  if (hint && !message.includes(hint)) {
    message = `${message.replace(/[.;:]\s*$/, '')}. ${hint.charAt(0).toUpperCase()}${hint.slice(1)}`;
  }
  // Last, so that a hint already in the message is still recognised as such above.
  message = nameFlags(message, options.setByFlags ?? {});
  const exitCode = exitCodeFor(error, code, root?.code, rollbackErrors, options);
  const detail = detailLines.map((line) => `  ${line}\n`);
  const stack = options.verbose ? stackText(error) : '';
  return {
    exitCode,
    code,
    rootCode,
    message,
    hint,
    rollbackErrors,
    text: `error: ${message}\n${detail.join('')}${stack}`,
  };
}

/** `message` with ` (set by --flag)` after the first mention of each variable a flag set. */
function nameFlags(message: string, setByFlags: Readonly<Record<string, string>>): string {
  let named = message;
  for (const [variable, flag] of Object.entries(setByFlags)) {
    const at = named.search(new RegExp(`\\b${variable}\\b`));
    if (at < 0 || named.includes(flag)) continue;
    const end = at + variable.length;
    named = `${named.slice(0, end)} (set by ${flag})${named.slice(end)}`;
  }
  return named;
}

function exitCodeFor(
  error: unknown,
  code: string,
  rootCode: string | undefined,
  rollbackErrors: readonly string[],
  options: FormatErrorOptions,
): ExitCode {
  if (rollbackErrors.length > 0) return EXIT_CODES.ROLLBACK_FAILED;
  if (options.timedOut) return EXIT_CODES.TIMED_OUT;
  const own = exitClassOf(code);
  const root = exitClassOf(rootCode ?? code);
  if (options.cancelled || own === 'cancelled' || root === 'cancelled') return EXIT_CODES.CANCELLED;
  if (error instanceof UsageError || root === 'bad-input') return EXIT_CODES.USAGE;
  if (options.workBegan) return EXIT_CODES.FAILURE;
  // Bad input anywhere in the chain: a step that failed because the dashboard address answers
  // like no dashboard carries the 404 that showed it as its deepest cause.
  const inChain = chainCodes(error).map((c) => exitClassOf(c));
  if (own === 'input' || own === 'bad-input' || inChain.includes('input')) return EXIT_CODES.USAGE;
  // Unreachable anywhere in the chain: a dashboard that kept answering 503 is unreachable even
  // though the deepest error is the 503 itself.
  if (root === 'unreachable' || chainCodes(error).some((c) => exitClassOf(c) === 'unreachable')) {
    return EXIT_CODES.UNREACHABLE;
  }
  return EXIT_CODES.FAILURE;
}

/** The error's hint, led by the rollback warning when a rollback failed. */
function hintFor(error: unknown, rollbackFailed: boolean): string | undefined {
  const hint = firstHint(error);
  if (!rollbackFailed) return hint;
  return hint ? `${ROLLBACK_FAILED_HINT}; then ${hint}` : ROLLBACK_FAILED_HINT;
}

/** `rolled back: a, b; rollback failed for step 'c': …`, or '' when the message says it already. */
function rollbackNote(
  message: string,
  rolledBack: readonly string[],
  rollbackErrors: readonly string[],
): string {
  const parts: string[] = [];
  if (rolledBack.length > 0 && !/rolled back/.test(message)) {
    parts.push(`rolled back: ${rolledBack.join(', ')}`);
  }
  for (const text of rollbackErrors) {
    if (!message.includes(text)) parts.push(`${text.charAt(0).toLowerCase()}${text.slice(1)}`);
  }
  return parts.join('; ');
}

/** The first non-empty `rollbackErrors` in the cause chain (StepFailedError, CancelledError). */
function rollbackErrorsOf(error: unknown): string[] {
  for (const item of causeChain(error)) {
    const list = (item as { rollbackErrors?: unknown } | null)?.rollbackErrors;
    if (Array.isArray(list) && list.length > 0) {
      return list.map((entry) => (typeof entry === 'string' ? entry : messageOf(entry)));
    }
  }
  return [];
}

function errorCode(error: unknown): string {
  if (error instanceof UsageError) return error.code;
  if (SynapseError.is(error)) return error.code;
  return 'INTERNAL';
}

function chainCodes(error: unknown): string[] {
  return [...causeChain(error)].filter((item) => SynapseError.is(item)).map((item) => item.code);
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
