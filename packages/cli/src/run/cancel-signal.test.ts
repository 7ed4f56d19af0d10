import { describe, expect, it } from '@jest/globals';

import { createCancelSignal } from './cancel-signal.js';

describe('createCancelSignal', () => {
  it('aborts on the first signal, and on the second exits 130 when nothing is left to undo', () => {
    const notices: string[] = [];
    const exits: number[] = [];
    const cancel = createCancelSignal((message) => notices.push(message), {
      exit: (code) => exits.push(code),
    });
    try {
      process.emit('SIGINT', 'SIGINT');
      expect(cancel.signal.aborted).toBe(true);
      process.emit('SIGINT', 'SIGINT');
      expect(exits).toEqual([130]);
    } finally {
      cancel.dispose();
    }
  });

  it('exits 4 on the second signal, saying what is left, while a rollback is unfinished', () => {
    const notices: string[] = [];
    const exits: number[] = [];
    const cancel = createCancelSignal((message) => notices.push(message), {
      exit: (code) => exits.push(code),
      leftBehind: () => "application 'model@1.0.0' is left with this run's config",
    });
    try {
      process.emit('SIGTERM', 'SIGTERM');
      process.emit('SIGTERM', 'SIGTERM');
      expect(exits).toEqual([4]);
      expect(notices.at(-1)).toBe(
        "error: SIGTERM again stopped the rollback: application 'model@1.0.0' is left with this run's config. Check it with 'synapse serve status' and run the deploy again",
      );
    } finally {
      cancel.dispose();
    }
  });

  it('names where the timeout came from when it elapses', async () => {
    const notices: string[] = [];
    const cancel = createCancelSignal((message) => notices.push(message), {
      timeoutMs: 1,
      timeoutSource: 'SYNAPSE_TIMEOUT',
    });
    try {
      await new Promise((resolve) => cancel.signal.addEventListener('abort', resolve));
      expect([cancel.timedOut, notices]).toEqual([
        true,
        ['SYNAPSE_TIMEOUT 1ms elapsed: cancelling; rolling back what ran'],
      ]);
    } finally {
      cancel.dispose();
    }
  });
});
