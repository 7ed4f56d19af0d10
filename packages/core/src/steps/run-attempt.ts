import { CancelledError, StepTimeoutError } from '../errors/errors.js';
import type { BaseStep } from './base-step.js';
import type { BaseStepContext } from './step-context.js';

/**
 * Runs one attempt of `step`, stopping the wait when the run is cancelled or the attempt times
 * out. The step gets a signal that aborts in both cases; a step that ignores it keeps running in
 * the background, but the orchestrator moves on to rollback instead of hanging.
 */
export async function runAttempt<C extends BaseStepContext>(
  step: BaseStep<C>,
  context: C,
  attempt: number,
  runSignal: AbortSignal,
): Promise<unknown> {
  if (runSignal.aborted) throw cancelledError(runSignal);
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onRunAbort: (() => void) | undefined;

  const interrupted = new Promise<never>((_resolve, reject) => {
    onRunAbort = () => {
      const error = cancelledError(runSignal);
      controller.abort(error);
      reject(error);
    };
    runSignal.addEventListener('abort', onRunAbort, { once: true });
    if (step.timeoutMs !== undefined) {
      const timeout = new StepTimeoutError(step.name, step.timeoutMs);
      timer = setTimeout(() => {
        controller.abort(timeout);
        reject(timeout);
      }, step.timeoutMs);
    }
  });

  const work = Promise.resolve().then(() =>
    step.execute(context, { signal: controller.signal, number: attempt }),
  );
  try {
    return await Promise.race([work, interrupted]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onRunAbort) runSignal.removeEventListener('abort', onRunAbort);
    // The loser of the race must not surface as an unhandled rejection.
    work.catch(() => undefined);
    interrupted.catch(() => undefined);
  }
}

function cancelledError(signal: AbortSignal): CancelledError {
  const reason: unknown = signal.reason;
  if (reason instanceof CancelledError) return reason;
  const detail =
    reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
  return new CancelledError(`Cancelled${detail}`, { cause: reason });
}
