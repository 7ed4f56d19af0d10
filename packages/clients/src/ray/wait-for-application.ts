import type { Logger } from '@synapse-sdk/core/base';
import { CancelledError } from '@synapse-sdk/core/base';

import type { FailedDeployment } from './deploy-errors.js';
import { DeployFailedError, DeployTimeoutError } from './deploy-errors.js';
import type { ApplicationDetails, ServeInstanceDetails } from './details-schema.js';
import type { PollOptions } from './poll.js';
import { notifyListener, pollUntil } from './poll.js';

/** One observation made while waiting; passed to `onStatus` whenever it changes. */
export interface ApplicationStatusUpdate {
  name: string;
  /** The application as last read; undefined while it is absent. */
  app: ApplicationDetails | undefined;
  /** Whether the awaited deploy has shown up (see `sinceDeployedTime`). */
  seen: boolean;
  elapsedMs: number;
}

/**
 * Delay between two status polls. Polling at a steady interval notices a change half an
 * interval after it happens on average, whenever it happens, at 1000 / interval requests a
 * second: 500 ms keeps the dashboard at two requests a second and the average delay at 0.25 s.
 * An interval that starts short (to catch a fast change) costs requests a deploy of a few seconds
 * cannot pay back without a longer steady interval, which every slower deploy then waits for.
 */
export const POLL_INTERVAL_MS = 500;

/** Options of {@link RayServeClient.waitForApplication}. */
export interface WaitForApplicationOptions extends PollOptions {
  /**
   * The application's `last_deployed_time_s` read before the PUT (null when it had none). The
   * PUT counts as seen once the application exists with a different value. Leave it out when
   * the application did not exist before: then any appearance counts.
   */
  sinceDeployedTime?: number | null | undefined;
  /**
   * This deploy's PUT was answered. Ray lists an application from the moment it accepts its
   * config, so from then on an absent application was removed by another writer: the wait
   * fails at once (reason `removed`) instead of waiting for an appearance that will not come.
   * @default false
   */
  putAnswered?: boolean | undefined;
  /** What UNHEALTHY means: fail at once, or keep waiting for RUNNING. @default 'fail' */
  unhealthy?: 'fail' | 'wait' | undefined;
  /** Called whenever the observed status, message or `seen` changes. Must not throw. */
  onStatus?: ((update: ApplicationStatusUpdate) => void) | undefined;
  /** Called after every successful poll, changed or not (for a progress line). Must not throw. */
  onPoll?: ((update: ApplicationStatusUpdate) => void) | undefined;
  logger?: Logger | undefined;
}

/** Reads the instance details once; the wait passes the signal that bounds it. */
export type FetchApplications = (signal: AbortSignal) => Promise<ServeInstanceDetails>;

/**
 * Polls until application `name` is RUNNING after the awaited deploy and returns it
 * (docs/ray-serve-rest.md#waiting-for-a-deploy). Fails with DeployFailedError on DEPLOY_FAILED,
 * on UNHEALTHY (unless `unhealthy: 'wait'`), and when the application goes DELETING or
 * disappears after the deploy showed up (or, with `putAnswered`, whenever it is absent).
 * 502/503/504 and connection errors while polling are tolerated until the timeout.
 * @throws DeployFailedError (DEPLOY_FAILED), DeployTimeoutError (DEPLOY_TIMEOUT), CancelledError.
 */
export async function waitForApplication(
  fetchApplications: FetchApplications,
  name: string,
  options: WaitForApplicationOptions,
): Promise<ApplicationDetails> {
  const sinceGiven = options.sinceDeployedTime !== undefined;
  let seen = false;
  let lastKey = '';
  return poll(
    fetchApplications,
    name,
    'to be RUNNING',
    options,
    () => seen,
    (app, elapsedMs) => {
      if (
        !seen &&
        app &&
        (!sinceGiven || (app.last_deployed_time_s ?? null) !== options.sinceDeployedTime)
      ) {
        seen = true;
      }
      options.onPoll?.({ name, app, seen, elapsedMs });
      const key = JSON.stringify([seen, app?.status, app?.message]);
      if (key !== lastKey) {
        lastKey = key;
        notifyListener(options.onStatus, { name, app, seen, elapsedMs }, options.logger);
      }
      if (!app && options.putAnswered === true) throw failure(name, app, 'removed');
      if (!seen) return undefined;
      if (!app || app.status === 'DELETING') {
        throw failure(name, app, 'removed');
      }
      if (app.status === 'RUNNING') return app;
      if (app.status === 'DEPLOY_FAILED') throw failure(name, app, 'deploy-failed');
      if (app.status === 'UNHEALTHY' && (options.unhealthy ?? 'fail') === 'fail') {
        throw failure(name, app, 'unhealthy');
      }
      return undefined;
    },
  );
}

/**
 * Polls until application `name` is absent from the dashboard's application list.
 * @throws DeployTimeoutError (DEPLOY_TIMEOUT), CancelledError.
 */
export async function waitForApplicationRemoved(
  fetchApplications: FetchApplications,
  name: string,
  options: PollOptions,
): Promise<void> {
  await poll(
    fetchApplications,
    name,
    'to be removed',
    options,
    () => true,
    (app) => (app ? undefined : true),
  );
}

function poll<T>(
  fetchApplications: FetchApplications,
  name: string,
  goal: string,
  options: PollOptions & { logger?: Logger | undefined },
  isSeen: () => boolean,
  check: (app: ApplicationDetails | undefined, elapsedMs: number) => T | undefined,
): Promise<T> {
  let last: ApplicationDetails | undefined;
  let read = false;
  return pollUntil(
    {
      subject: `Ray Serve application '${name}'`,
      defaultIntervalMs: POLL_INTERVAL_MS,
      steady: true,
      read: fetchApplications,
      check: (details, elapsedMs) => {
        read = true;
        last = details.applications[name];
        return check(last, elapsedMs);
      },
      stopped: (why, lastError) =>
        why === 'cancelled'
          ? new CancelledError(
              `Cancelled while waiting for Ray Serve application '${name}' ${goal}`,
            )
          : new DeployTimeoutError({
              appName: name,
              timeoutMs: options.timeoutMs,
              goal,
              seen: isSeen(),
              lastStatus: read ? (last?.status ?? 'absent') : undefined,
              lastMessage: last?.message ?? undefined,
              lastError,
            }),
      logger: options.logger,
    },
    options,
  );
}

function failure(
  name: string,
  app: ApplicationDetails | undefined,
  reason: 'deploy-failed' | 'unhealthy' | 'removed',
): DeployFailedError {
  const deployments: FailedDeployment[] = [];
  for (const [key, d] of Object.entries(app?.deployments ?? {})) {
    if (d.status !== 'DEPLOY_FAILED' && d.status !== 'UNHEALTHY') continue;
    deployments.push({
      name: d.name ?? key,
      status: d.status ?? 'UNKNOWN',
      statusTrigger: d.status_trigger ?? undefined,
      message: d.message ?? '',
    });
  }
  return new DeployFailedError({
    appName: name,
    reason,
    status: app?.status ?? 'absent',
    appMessage: app?.message ?? '',
    deployments,
  });
}
