import { PassThrough } from 'node:stream';

import { describe, expect, it } from '@jest/globals';
import { CancelledError } from '@synapse-sdk/core';

import { formatError } from '../format-error.js';
import { askConfirmation } from './ask-confirmation.js';

/** Asks on a fake terminal and types `keys` once the question is shown. */
async function ask(keys: string | null, signal?: AbortSignal) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  const answer = askConfirmation('delete app? [y/N] ', { input, output, terminal: true, signal });
  if (keys === null) input.end();
  else input.write(keys);
  const settled = await answer.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  return { ...settled, shown };
}

describe('askConfirmation', () => {
  it('is true only for y or yes', async () => {
    const answers = await Promise.all(['y\r', 'YES\r', 'n\r', '\r', 'yep\r'].map((k) => ask(k)));
    expect(answers.map((a) => ('value' in a ? a.value : a.error))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(answers[0]?.shown).toContain('delete app? [y/N] ');
  });

  it('is false at the end of input (Ctrl-D)', async () => {
    expect(await ask(null)).toMatchObject({ value: false });
  });

  it('throws CancelledError on Ctrl-C, which the CLI maps to exit 130', async () => {
    const result = await ask('\x03');
    expect('error' in result && result.error).toBeInstanceOf(CancelledError);
    const formatted = formatError('error' in result ? result.error : undefined);
    expect([formatted.exitCode, formatted.message]).toEqual([
      130,
      'Cancelled at the confirmation prompt; nothing was done',
    ]);
  });

  it('throws CancelledError when the run is cancelled while it waits (SIGTERM)', async () => {
    const controller = new AbortController();
    const input = new PassThrough();
    const output = new PassThrough();
    const answer = askConfirmation('delete? ', {
      input,
      output,
      terminal: true,
      signal: controller.signal,
    });
    controller.abort();
    await expect(answer).rejects.toBeInstanceOf(CancelledError);
  });
});
