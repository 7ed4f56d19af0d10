import type { CliIo } from '../cli-io.js';
import { confirmInTerminal } from './confirm-in-terminal.js';

/** What a rollback command asks before it changes the cluster. */
export interface RollbackConfirmation {
  /** `--yes`: go ahead without asking. */
  yes: boolean | undefined;
  /** The `[y/N]` question, naming what is rolled back where. */
  question: string;
  /** What is refused outside a terminal, e.g. `refusing to roll a back without confirmation`. */
  refusal: string;
}

/**
 * Whether a rollback goes ahead: with `--yes` at once, else by the answer in a terminal; outside
 * a terminal it is refused with the hint to pass `--yes`.
 * @throws UsageError outside a terminal without `--yes`; CancelledError on Ctrl-C at the prompt
 */
export async function confirmRollback(
  { yes, question, refusal }: RollbackConfirmation,
  io: CliIo,
  signal: AbortSignal,
): Promise<boolean> {
  if (yes === true) return true;
  return confirmInTerminal(
    { question, refusal, hint: 'pass --yes to roll back without asking' },
    io,
    signal,
  );
}

/** What a rollback command says when the answer was not yes: `subject` is left as it is. */
export function notRolledBack(subject: string): string {
  return `not rolled back: ${subject} is left as it is (the answer was not yes)`;
}
