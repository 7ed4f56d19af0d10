import type { Backoff } from '@synapse-sdk/core';

/*
 * Every default of a deploy, written once. The options of the steps and functions name these
 * in their `@default` tags.
 */

/** How long the initialize checks retry an unreachable dashboard. */
export const CONNECT_TIMEOUT_MS = 15_000;

/** The delays between two tries to reach the dashboard: 250 ms doubling to 2 s. */
export const CONNECT_BACKOFF: Readonly<Backoff> = {
  initialDelayMs: 250,
  maxDelayMs: 2_000,
  factor: 2,
  jitter: 0,
};

/** How long a deploy waits for its application to be RUNNING (pip installs are slow). */
export const DEPLOY_WAIT_TIMEOUT_MS = 600_000;

/** The longest a deploy waiting for RUNNING goes without a progress line. */
export const PROGRESS_LINE_MS = 10_000;

/** How long a rollback waits for the previous state to settle. */
export const ROLLBACK_TIMEOUT_MS = 300_000;

/** How long removing an application waits for it to be gone. */
export const REMOVE_TIMEOUT_MS = 120_000;

/** How often a deploy applies its config again when another writer drops or replaces it. */
export const MAX_REAPPLIES = 3;

/** Reads of the live config an update makes while other writers keep changing it, or its PUT fails in transit. */
export const MAX_APPLY_ROUNDS = 5;

/** The delays between those reads: 200 ms doubling to 1 s. */
export const REREAD_BACKOFF: Readonly<Backoff> = {
  initialDelayMs: 200,
  maxDelayMs: 1_000,
  factor: 2,
  jitter: 0,
};

/** The delays between two tries of an apply while the dashboard is unreachable: 500 ms doubling to 5 s. */
export const OUTAGE_BACKOFF: Readonly<Backoff> = {
  initialDelayMs: 500,
  maxDelayMs: 5_000,
  factor: 2,
  jitter: 0,
};

/** How long a Ray job may take, from submission to its end, before the job step stops it: 1 h. */
export const JOB_WAIT_TIMEOUT_MS = 3_600_000;

/** How many of a failed Ray job's last log lines its error carries. */
export const JOB_ERROR_LOG_LINES = 20;

/** How long a writer waits for the cluster lock held by another deploy. */
export const LOCK_WAIT_MS = 120_000;

/** How long a deploy waits for another deploy of the same app: its wait, its rollback and more. */
export const APP_LOCK_WAIT_MS = DEPLOY_WAIT_TIMEOUT_MS + ROLLBACK_TIMEOUT_MS + 120_000;

/** The delays between two looks at an app another deploy holds: 100 ms doubling to 1 s. */
export const APP_LOCK_BACKOFF: Readonly<Backoff> = {
  initialDelayMs: 100,
  maxDelayMs: 1_000,
  factor: 2,
  jitter: 0,
};

/** The delays between two tries of a held lock: 20 ms doubling to 250 ms. */
export const LOCK_BACKOFF: Readonly<Backoff> = {
  initialDelayMs: 20,
  maxDelayMs: 250,
  factor: 2,
  jitter: 0,
};

/** A lock file its holder has not refreshed for this long belongs to a dead process. */
export const LOCK_STALE_MS = 15_000;

/** How often the holder of the lock refreshes its file. */
export const LOCK_REFRESH_MS = 5_000;

/**
 * How old an app lock of a process that is gone must be before it is broken at once: a younger
 * one may be a new holder's that has not written its name yet.
 */
export const GONE_HOLDER_GRACE_MS = 1_000;

/** Times the registration POST is sent when it fails in transit (looked up before each resend). */
export const REGISTER_ATTEMPTS = 4;

/** The delays between those sends: 500 ms doubling to 4 s. */
export const REGISTER_BACKOFF: Readonly<Backoff> = {
  initialDelayMs: 500,
  maxDelayMs: 4_000,
  factor: 2,
  jitter: 0,
};
