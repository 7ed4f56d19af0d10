import { CancelledError } from '@synapse-sdk/core';

/** A run's AbortSignal wired to SIGINT and SIGTERM. */
export interface CancelSignal {
  signal: AbortSignal;
  /** Removes the signal handlers. */
  dispose(): void;
}

/**
 * Aborts the returned signal on the first SIGINT/SIGTERM (the run then stops its step and rolls
 * back); a second one exits at once with code 130.
 */
export function createCancelSignal(
  notify: (message: string) => void,
  exit: (code: number) => void = (code) => process.exit(code),
): CancelSignal {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      notify(`${name} again: exiting without waiting for rollback`);
      exit(130);
      return;
    }
    notify(`${name}: cancelling; rolling back what ran (press Ctrl-C again to exit at once)`);
    controller.abort(new CancelledError(`Cancelled by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
