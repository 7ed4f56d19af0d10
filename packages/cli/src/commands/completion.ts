import type { Command } from 'commander';

import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';

/** Shells `synapse completion` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;

/** One of {@link COMPLETION_SHELLS}. */
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/**
 * `synapse completion <shell>` prints the shell's completion script, and `synapse complete --
 * <words>` (hidden; what that script calls at each Tab) prints the candidates, both through the
 * `@bomb.sh/tab` library, which reads the commands, options and choices from `program` — a
 * fresh command tree without these two commands (the library adds its own).
 */
export async function completion(
  program: Command,
  request: { shell: CompletionShell } | { words: readonly string[] },
): Promise<ExitCode> {
  const { default: tab } = await import('@bomb.sh/tab/commander');
  const completions = tab(program, { completionCommandName: 'completion' });
  if ('shell' in request) completions.setup('synapse', 'synapse', request.shell);
  else completions.parse([...request.words]);
  return EXIT_CODES.OK;
}
