import type {
  ApplicationDetails,
  RayServeClient,
  ServeApplicationConfig,
} from '@synapse-sdk/clients';
import { isTransientError, parseServeDeployConfig } from '@synapse-sdk/clients';
import type { Clock } from '@synapse-sdk/core';
import { CancelledError, done, retryLoop, systemClock, tryAgain } from '@synapse-sdk/core';

import { MAX_APPLY_ROUNDS, OUTAGE_BACKOFF, REREAD_BACKOFF } from '../defaults.js';
import { StepsError } from '../errors.js';
import { refusalError, writeRefusal } from '../rules/deploy-rules.js';
import { withClusterLock } from './cluster-lock.js';
import {
  declarativeConfigs,
  liveFingerprint,
  mergeApplication,
  sameConfig,
} from './serve-config.js';

/** What {@link applyApplication} found and did. */
export interface ApplyOutcome {
  /**
   * The app's config before the change (null when it was not deployed declaratively), as read
   * right before the first PUT; when nothing was sent, as last read.
   */
  previous: ServeApplicationConfig | null;
  /** The app as read at the same moment, if present. */
  before: ApplicationDetails | undefined;
  /** True once a PUT was sent: the cluster may have changed. */
  put: boolean;
}

/** How an apply ended: what it did, or the error and whether a PUT had been sent. */
export type ApplyResult =
  | { readonly ok: true; readonly outcome: ApplyOutcome }
  | {
      readonly ok: false;
      readonly error: unknown;
      /** What was read before the first PUT, when one was sent before the failure. */
      readonly sent: ApplyOutcome | undefined;
    };

/** Options of {@link applyApplication}. */
export interface ApplyOptions {
  /** Cancels waiting for the lock and the reads; a PUT once sent is let finish (see below). */
  signal?: AbortSignal | undefined;
  lockDir?: string | undefined;
  /**
   * Send an identical config again when the app is not RUNNING or DEPLOYING, so that Ray retries
   * a failed build (a PUT is a new target even when nothing changed). @default false
   */
  reapplyUnlessHealthy?: boolean | undefined;
  /** The cluster's Ray version, when known: old versions need extra care (see the rules). */
  rayVersion?: string | undefined;
  /** Times the waits between reads and for the lock. @default systemClock */
  clock?: Clock | undefined;
  /**
   * Awaited under the lock right before each PUT, with the config and the app it replaces: the
   * journal writes ahead there. A throw stops the apply before anything is sent.
   */
  beforePut?:
    | ((
        previous: ServeApplicationConfig | null,
        before: ApplicationDetails | undefined,
      ) => Promise<void>)
    | undefined;
  /**
   * How long to ride out a dashboard that cannot be reached or answers 502/503/504, trying the
   * whole read-merge-PUT again; a deploy gives its remaining wait, a rollback its own timeout,
   * so that a rollback survives what the deploy survives. @default 0 (fail at once)
   */
  outageBudgetMs?: number | undefined;
}

/**
 * Sets application `name` to `app` (or removes it, for null) without touching any other
 * application: under the cluster lock, read the live config, merge, re-read just before the
 * PUT and start over if another writer changed it meanwhile, then PUT. An identical config sends
 * nothing.
 *
 * The PUT is sent once, without the cancellation signal: aborting the socket would not stop Ray
 * from applying it, and a rollback that runs while it is in flight would then be undone by it.
 * Holding the lock until Ray answers keeps a rollback behind it. A PUT that fails in transit is
 * not re-sent as is: the live config is read again and the body rebuilt.
 */
export async function applyApplication(
  client: RayServeClient,
  name: string,
  app: ServeApplicationConfig | null,
  options: ApplyOptions = {},
): Promise<ApplyOutcome> {
  const result = await attemptApply(client, name, app, options);
  if (!result.ok) throw result.error;
  return result.outcome;
}

/**
 * {@link applyApplication}, reporting a failure as a value that says whether a PUT had been sent,
 * for callers that must record what may have changed (the deploy). Within `outageBudgetMs`, an
 * apply that failed on an unreachable dashboard is tried again; what the cluster held before
 * the first PUT stays the one that counts.
 */
export async function attemptApply(
  client: RayServeClient,
  name: string,
  app: ServeApplicationConfig | null,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  let firstSent: ApplyOutcome | undefined;
  let last: ApplyResult | undefined;
  const keepFirst = (result: ApplyResult): ApplyResult => {
    if (firstSent === undefined) return result;
    return result.ok
      ? {
          ok: true,
          outcome: {
            ...result.outcome,
            previous: firstSent.previous,
            before: firstSent.before,
            put: true,
          },
        }
      : { ...result, sent: firstSent };
  };
  try {
    return await retryLoop(
      async () => {
        const result = await attemptApplyOnce(client, name, app, options);
        if (!result.ok) firstSent ??= result.sent;
        last = result;
        if (result.ok || !isTransientError(result.error)) return done(keepFirst(result));
        return tryAgain(result.error);
      },
      {
        clock: options.clock ?? systemClock,
        backoff: OUTAGE_BACKOFF,
        timeoutMs: options.outageBudgetMs ?? 0,
        signal: options.signal,
      },
      ({ why }) =>
        why === 'cancelled'
          ? new CancelledError(`Cancelled before updating application '${name}'`)
          : new Error('outage budget spent'),
    );
  } catch (error) {
    if (error instanceof CancelledError || last === undefined) {
      return { ok: false, error, sent: firstSent };
    }
    return keepFirst(last);
  }
}

async function attemptApplyOnce(
  client: RayServeClient,
  name: string,
  app: ServeApplicationConfig | null,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const { signal } = options;
  // The view right before the first PUT: what the cluster held before this apply changed it.
  let sent: ApplyOutcome | undefined;
  try {
    // Our app is checked strictly here; the others are sent back exactly as Ray reported them,
    // even when they carry keys this SDK does not know (a newer Ray, another tool).
    if (app) {
      parseServeDeployConfig({ applications: [app] }, `Serve config of application '${name}'`);
    }
    const clock = options.clock ?? systemClock;
    let lastPutError: unknown;
    const outcome = await withClusterLock(
      client.address,
      () =>
        retryLoop(
          async () => {
            const details = await client.getApplications(signal);
            const before = details.applications[name];
            const refusal = writeRefusal(details, name, app, options.rayVersion);
            if (refusal) throw refusalError(refusal);
            const previous = declarativeConfigs(details).get(name) ?? null;
            if (isUnchanged(app, previous, before, options.reapplyUnlessHealthy === true)) {
              return done(sent ?? { previous, before, put: false });
            }
            const body = mergeApplication(details, name, app);
            const recheck = await client.getApplications(signal);
            if (liveFingerprint(recheck) !== liveFingerprint(details)) return tryAgain('changed');
            if (signal?.aborted) {
              throw new CancelledError(`Cancelled before updating application '${name}'`);
            }
            await options.beforePut?.(previous, before);
            sent ??= { previous, before, put: true };
            try {
              await client.putApplications(body, undefined, { validate: false, retry: false });
            } catch (error) {
              if (!isTransientError(error)) throw error;
              lastPutError = error;
              return tryAgain(error);
            }
            return done(sent);
          },
          { clock, backoff: REREAD_BACKOFF, attempts: MAX_APPLY_ROUNDS, signal },
          ({ why }) => {
            if (why === 'cancelled') {
              return new CancelledError(`Cancelled before updating application '${name}'`);
            }
            if (lastPutError instanceof Error) return lastPutError;
            return new StepsError(
              'SERVE_CONFIG_BUSY',
              `The Ray Serve config at ${client.address} changed ${MAX_APPLY_ROUNDS} times while preparing the update of '${name}'; another tool is writing it continuously — retry when it is done`,
            );
          },
        ),
      { signal, lockDir: options.lockDir, clock },
    );
    return { ok: true, outcome };
  } catch (error) {
    return { ok: false, error, sent };
  }
}

function isUnchanged(
  app: ServeApplicationConfig | null,
  previous: ServeApplicationConfig | null,
  before: ApplicationDetails | undefined,
  reapplyUnlessHealthy: boolean,
): boolean {
  if (app === null) return before === undefined;
  if (!sameConfig(previous, app)) return false;
  if (!reapplyUnlessHealthy) return true;
  return before?.status === 'RUNNING' || before?.status === 'DEPLOYING';
}
