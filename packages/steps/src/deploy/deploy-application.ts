import type {
  ApplicationDetails,
  ApplicationStatusUpdate,
  RayServeClient,
  ServeApplicationConfig,
} from '@synapse-sdk/clients';
import { DeployFailedError, isTransientError } from '@synapse-sdk/clients';
import type { Clock, Logger } from '@synapse-sdk/core';
import { silentLogger, systemClock } from '@synapse-sdk/core';

import { MAX_REAPPLIES } from '../defaults.js';
import { StepsError } from '../errors.js';
import type { ApplyOutcome } from './apply-application.js';
import { attemptApply } from './apply-application.js';
import type { DeployChange } from './deploy-change.js';
import { noChange } from './deploy-change.js';
import { configIsLive } from './serve-config.js';

/** Options of {@link deployApplication}. */
export interface DeployApplicationOptions {
  /** Give up waiting for RUNNING after this long. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  lockDir?: string | undefined;
  /** Delay between status polls. @default the client's */
  pollIntervalMs?: number | undefined;
  /** Times the config is applied again when another writer drops it. @default {@link MAX_REAPPLIES} */
  maxReapplies?: number | undefined;
  onStatus?: ((update: ApplicationStatusUpdate) => void) | undefined;
  /** Called once, when this run's first PUT was sent: from then on the cluster may differ. */
  onApplied?: (() => void) | undefined;
  /** Called after every poll of the wait, changed or not. Must not throw. */
  onPoll?: ((update: ApplicationStatusUpdate) => void) | undefined;
  logger?: Logger | undefined;
  /** The cluster's Ray version, when known: old versions need extra care (see the rules). */
  rayVersion?: string | undefined;
  /** Times the deadline and the waits. @default systemClock */
  clock?: Clock | undefined;
  /**
   * Awaited right before each PUT with what the cluster will then hold of this run (the change
   * a rollback undoes, `appliedConfig` set): the journal writes it ahead. A throw stops the
   * deploy before the PUT.
   */
  writeAhead?: ((change: DeployChange) => Promise<void>) | undefined;
  /**
   * What an earlier, interrupted attempt of this run already changed (on resume): its previous
   * config and status are what the cluster held before the run, so they are kept.
   */
  priorChange?: DeployChange | undefined;
  /**
   * Called before the config is applied again after another writer or a restart dropped it:
   * makes sure the cluster still holds what the config needs (a restarted head lost the
   * uploaded package).
   */
  beforeReapply?: (() => Promise<void>) | undefined;
}

/** How a deploy went, success or not, with what it changed (for rollback, or a journal). */
export type DeployReport =
  | {
      readonly ok: true;
      readonly change: DeployChange;
      /** The application as last seen, RUNNING with this config. */
      readonly app: ApplicationDetails;
      /** True when the identical config was already RUNNING: nothing was sent. */
      readonly upToDate: boolean;
      /** Times the config was applied again after another writer dropped or replaced it. */
      readonly reapplied: number;
    }
  | { readonly ok: false; readonly change: DeployChange; readonly error: unknown };

/**
 * Applies `app` (see {@link applyApplication}) and waits until it is RUNNING. If another writer
 * drops it before then, it is merged in and applied again, a bounded number of times. Never
 * throws: the report says what the cluster now holds of this run, also when it failed, so the
 * caller can undo exactly that.
 */
export async function deployApplication(
  client: RayServeClient,
  app: ServeApplicationConfig,
  options: DeployApplicationOptions,
): Promise<DeployReport> {
  const name = app.name ?? 'default';
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + options.timeoutMs;
  const maxReapplies = options.maxReapplies ?? MAX_REAPPLIES;
  let change =
    options.priorChange?.appliedConfig != null && options.priorChange.appName === name
      ? { ...options.priorChange, rayVersion: options.rayVersion ?? options.priorChange.rayVersion }
      : noChange(name, options.rayVersion ?? null);

  /** Applies `app`, recording in `change` what the cluster held before this run's first PUT. */
  const apply = async (first: boolean): Promise<ApplyOutcome> => {
    const result = await attemptApply(client, name, app, {
      signal: options.signal,
      lockDir: options.lockDir,
      rayVersion: options.rayVersion,
      reapplyUnlessHealthy: true,
      clock,
      beforePut: async (previous, before) => {
        await options.writeAhead?.(
          change.appliedConfig === null
            ? {
                ...change,
                previousConfig: previous,
                previousStatus: before?.status ?? null,
                appliedConfig: app,
              }
            : { ...change, appliedConfig: app },
        );
      },
      outageBudgetMs: Math.max(0, deadline - clock.now()),
    });
    const seen = result.ok ? result.outcome : result.sent;
    const sent = result.ok ? result.outcome.put : result.sent !== undefined;
    if (seen && change.appliedConfig === null && (sent || first)) {
      change = {
        ...change,
        previousConfig: seen.previous,
        previousStatus: seen.before?.status ?? null,
        appliedConfig: sent ? app : null,
      };
      if (sent) options.onApplied?.();
    } else if (sent) {
      change = { ...change, appliedConfig: app }; // a resumed run: what it sent is what is live
    }
    if (!result.ok) throw result.error;
    return result.outcome;
  };

  try {
    let outcome = await apply(true);
    if (!outcome.put && outcome.before?.status === 'RUNNING') {
      return { ok: true, change, app: outcome.before, upToDate: true, reapplied: 0 };
    }
    for (let reapplied = 0; ; reapplied++) {
      const since = outcome.put ? (outcome.before?.last_deployed_time_s ?? null) : undefined;
      let replacedBy: string;
      try {
        const running = await client.waitForApplication(name, {
          timeoutMs: Math.max(1, deadline - clock.now()),
          signal: options.signal,
          sinceDeployedTime: since,
          putAnswered: outcome.put,
          afterPut: outcome.put,
          pollIntervalMs: options.pollIntervalMs,
          onStatus: options.onStatus,
          onPoll: options.onPoll,
          logger,
          clock,
        });
        // RUNNING is only ours if it runs what we sent: a writer on another host may have put
        // back an older config of this app from a stale read.
        // Read once more before claiming success: a writer that dropped or replaced the app
        // right after the poll that saw it RUNNING would otherwise go unnoticed.
        const live = configIsLive(app, running.deployed_app_config)
          ? await readAgain(client, name, running, options.signal)
          : running;
        if (live?.status === 'RUNNING' && configIsLive(app, live.deployed_app_config)) {
          return { ok: true, change, app: live, upToDate: false, reapplied };
        }
        replacedBy =
          live === undefined || live.status === 'DELETING'
            ? 'removed by another writer'
            : 'replaced by another writer with a different config';
        if (reapplied >= maxReapplies) {
          throw new StepsError(
            'DEPLOY_CONTESTED',
            `Ray Serve application '${name}' was ${replacedBy} ${reapplied + 1} times while this deploy waited for it`,
            { hint: `another tool keeps deploying '${name}'; stop it, then deploy again` },
          );
        }
      } catch (error) {
        const dropped = error instanceof DeployFailedError && error.reason === 'removed';
        if (!dropped || reapplied >= maxReapplies) throw error;
        replacedBy = 'removed by another writer';
      }
      logger.warn(`Application '${name}' was ${replacedBy}; applying it again`, {
        attempt: reapplied + 1,
      });
      await options.beforeReapply?.();
      outcome = await apply(false);
    }
  } catch (error) {
    return { ok: false, change, error };
  }
}

/** The app as read now; `seen` when the read fails in transit (it confirms nothing either way). */
async function readAgain(
  client: RayServeClient,
  name: string,
  seen: ApplicationDetails,
  signal: AbortSignal | undefined,
): Promise<ApplicationDetails | undefined> {
  try {
    return await client.getApplication(name, signal);
  } catch (error) {
    if (isTransientError(error)) return seen;
    throw error;
  }
}
