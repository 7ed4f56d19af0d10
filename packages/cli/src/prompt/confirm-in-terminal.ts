import type { CliIo } from '../cli-io.js';
import { UsageError } from '../usage-error.js';
import { askConfirmation } from './ask-confirmation.js';

/** What {@link confirmInTerminal} asks, and how it refuses outside a terminal. */
export interface ConfirmationRequest {
  /** The `[y/N]` question, e.g. `delete application a from http://…? [y/N] `. */
  question: string;
  /** What is refused without a terminal, e.g. `refusing to delete a without confirmation`. */
  refusal: string;
  /** The refusal's hint, e.g. `pass --yes to delete without asking`. */
  hint: string;
}

/**
 * Asks for confirmation on stderr when stdin and stderr are a terminal; resolves true for yes.
 * Outside a terminal there is nobody to ask, so it refuses (the command's `--yes` skips this).
 * @throws UsageError outside a terminal; CancelledError on Ctrl-C at the prompt
 */
export async function confirmInTerminal(
  request: ConfirmationRequest,
  io: CliIo,
  signal: AbortSignal,
): Promise<boolean> {
  requireTerminal(request, io);
  return askConfirmation(request.question, {
    input: process.stdin,
    output: process.stderr,
    terminal: true,
    signal,
  });
}

/**
 * Refuses, as {@link confirmInTerminal} would, where nobody can answer a prompt: a command checks
 * this before it asks the cluster anything.
 * @throws UsageError outside a terminal
 */
export function requireTerminal(
  request: Pick<ConfirmationRequest, 'refusal' | 'hint'>,
  io: CliIo,
): void {
  if (!process.stdin.isTTY || io.stderr.isTTY !== true) {
    throw new UsageError(request.refusal, { hint: request.hint });
  }
}
