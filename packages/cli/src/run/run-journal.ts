import { RAY_SERVE_CLIENT } from '@synapse-sdk/clients';
import type {
  BaseAction,
  JournaledStep,
  JournalStore,
  RunState,
  SessionEntry,
  SessionOutcome,
} from '@synapse-sdk/core';
import {
  CancelledError,
  done,
  errorMessage,
  pruneJournal,
  retentionFromEnv,
  retryLoop,
  RunLockedError,
  RunRecorder,
  StepRegistry,
  systemClock,
  tryAgain,
} from '@synapse-sdk/core';

import type { CliStream } from '../cli-io.js';
import { cliVersion } from '../cli-version.js';
import { journalStoreFor } from '../runs/journal-store-for.js';
import type { RunMeta } from '../runs/run-meta.js';
import type { PreparedAction } from './prepare-action.js';

/** What {@link startRunJournal} records about the run besides what `prepared` holds. */
export interface StartRunJournalOptions {
  mode: SessionEntry['mode'];
  /** `plugin run`, `serve rollback`. */
  command: string;
  /** The run as its journal told it, for a resume or a rollback of it. */
  resumeFrom?: RunState | undefined;
  /**
   * Wait while another live process holds the run — another `plugin run` of the same job — as
   * a deploy waits for the app lock, instead of refusing. `onWait` is told once who holds it.
   */
  waitTurn?: { signal: AbortSignal; onWait: (message: string) => void } | undefined;
}

/** The delays between two looks at a run another process holds: 200 ms doubling to 2 s. */
const RUN_LOCK_BACKOFF = { initialDelayMs: 200, maxDelayMs: 2_000, factor: 2, jitter: 0.2 };

/**
 * Takes the prepared action's run (`ctx.runId`) in the journal of the state directory and
 * opens this process's session of it: the orchestrator then records each step boundary and the
 * steps write ahead. Taken after the params were validated, so bad input leaves no run behind.
 * @throws RunLockedError when another live process holds the run; RunIdError
 */
export async function startRunJournal(
  prepared: PreparedAction,
  options: StartRunJournalOptions,
): Promise<RunRecorder> {
  const { ctx, action } = prepared;
  // Plugin code that throws in setupSteps is refused before a run is taken.
  const steps = journaledSteps(action, prepared);
  const store = journalStoreFor(prepared.env);
  const recorder = options.waitTurn
    ? await openWhenFree(store, ctx.runId, options.waitTurn)
    : await RunRecorder.open(store, ctx.runId);
  try {
    await recorder.begin({
      mode: options.mode,
      meta: { ...runMeta(prepared, options.command) },
      steps,
      resumeFrom: options.resumeFrom,
    });
  } catch (error) {
    await recorder.close();
    throw error;
  }
  ctx.attachJournal(recorder);
  return recorder;
}

/**
 * Takes the run once the process holding it lets go; a run held on another host, which cannot
 * be checked from here, is waited for too, bounded only by the signal (the run's --timeout).
 */
async function openWhenFree(
  store: JournalStore,
  runId: string,
  wait: NonNullable<StartRunJournalOptions['waitTurn']>,
): Promise<RunRecorder> {
  let told = false;
  return retryLoop(
    async () => {
      try {
        return done(await RunRecorder.open(store, runId));
      } catch (error) {
        if (!(error instanceof RunLockedError)) throw error;
        if (!told) {
          const { pid, host, since } = error.owner;
          wait.onWait(
            `Waiting for another run of ${runId} to finish (pid ${pid} on ${host} since ${since.slice(11, 19)} UTC); --no-wait refuses instead`,
          );
        }
        told = true;
        return tryAgain(error);
      }
    },
    { clock: systemClock, backoff: RUN_LOCK_BACKOFF, signal: wait.signal },
    () => new CancelledError(`Cancelled while waiting for run ${runId} to end`),
  );
}

/**
 * Ends the session with how the command ended, then applies the retention policy
 * (`SYNAPSE_STATE_KEEP_RUNS` / `_DAYS`). A journal that cannot be written any more only costs
 * its record: the run's own outcome stands, so this never throws; it returns a warning instead.
 */
export async function endRunJournal(
  recorder: RunRecorder,
  env: Readonly<Record<string, string | undefined>>,
  outcome: SessionOutcome,
  error?: unknown,
): Promise<string | undefined> {
  try {
    await recorder.end(outcome, error === undefined ? undefined : errorMessage(error));
    await pruneJournal(recorder.store, retentionFromEnv(env), { keep: new Set([recorder.runId]) });
    return undefined;
  } catch (cause) {
    return `warning: the journal of run ${recorder.runId} in ${recorder.store.location} could not be completed: ${errorMessage(cause)}`;
  }
}

/** {@link endRunJournal} for a command that ends its own session: a warning goes to `stderr`. */
export async function endRunJournalWarning(
  recorder: RunRecorder,
  env: Readonly<Record<string, string | undefined>>,
  outcome: SessionOutcome,
  stderr: CliStream,
  error?: unknown,
): Promise<void> {
  const warning = await endRunJournal(recorder, env, outcome, error);
  if (warning) stderr.write(`${warning}\n`);
}

function runMeta(prepared: PreparedAction, command: string): RunMeta {
  const { ctx, plugin } = prepared;
  const ray = ctx.container.isBound(RAY_SERVE_CLIENT)
    ? ctx.container.get(RAY_SERVE_CLIENT).address
    : '';
  return {
    command,
    action: plugin.actionName,
    plugin: {
      dir: plugin.dir,
      code: plugin.config.code,
      version: plugin.config.version,
    },
    params: prepared.params,
    rayAddress: ray,
    ...(ctx.jobId === undefined ? {} : { jobId: ctx.jobId }),
    sdk: cliVersion(),
  };
}

/** The steps the action registers, as the journal declares them. */
function journaledSteps(action: BaseAction, prepared: PreparedAction): JournaledStep[] {
  return action
    .registerSteps(new StepRegistry(prepared.ctx.container))
    .getSteps()
    .map((step) => ({ name: step.name, resumable: step.resumable === true }));
}
