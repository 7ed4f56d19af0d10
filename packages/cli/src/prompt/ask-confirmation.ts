import { createInterface } from 'node:readline';

import { CancelledError } from '@synapse-sdk/core/base';

/** Where {@link askConfirmation} asks. */
export interface ConfirmationStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Treat `input` as a terminal (raw keys: Ctrl-C arrives as a key, not as SIGINT). */
  terminal: boolean;
  /** Aborting it (SIGTERM while waiting) cancels the question. */
  signal?: AbortSignal | undefined;
}

/**
 * Asks a `[y/N]` question and resolves true for `y`/`yes`, false for anything else or the end
 * of input (Ctrl-D).
 *
 * @throws CancelledError on Ctrl-C at the prompt or when `signal` aborts (the CLI exits 130).
 */
export function askConfirmation(question: string, streams: ConfirmationStreams): Promise<boolean> {
  const prompt = createInterface({
    input: streams.input,
    output: streams.output,
    terminal: streams.terminal,
  });
  return new Promise<boolean>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      streams.signal?.removeEventListener('abort', onAbort);
      prompt.close();
      outcome();
    };
    const cancel = (): void => {
      streams.output.write('\n');
      settle(() =>
        reject(new CancelledError('Cancelled at the confirmation prompt; nothing was done')),
      );
    };
    const onAbort = (): void => cancel();
    if (streams.signal?.aborted) {
      cancel();
      return;
    }
    streams.signal?.addEventListener('abort', onAbort, { once: true });
    // In a terminal readline reads Ctrl-C as a key and emits SIGINT here, not on the process.
    prompt.on('SIGINT', cancel);
    prompt.on('close', () => settle(() => resolve(false)));
    prompt.question(question, (answer) => settle(() => resolve(/^y(es)?$/i.test(answer.trim()))));
  });
}
