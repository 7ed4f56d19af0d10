import { createHash } from 'node:crypto';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Clock } from '@synapse-sdk/core';
import { CancelledError, done, retryLoop, systemClock, tryAgain } from '@synapse-sdk/core';
import lockfile from 'proper-lockfile';

import { LOCK_BACKOFF, LOCK_REFRESH_MS, LOCK_STALE_MS, LOCK_WAIT_MS } from '../defaults.js';
import { StepsError } from '../errors.js';

/** Options of {@link withClusterLock}. */
export interface ClusterLockOptions {
  signal?: AbortSignal | undefined;
  /** How long to wait for another writer. @default {@link LOCK_WAIT_MS} */
  waitMs?: number | undefined;
  /** Folder of the lock files. @default env SYNAPSE_LOCK_DIR, else <tmpdir>/synapse-sdk-locks */
  lockDir?: string | undefined;
  /** Times the waits for a held lock. @default systemClock */
  clock?: Clock | undefined;
}

// Writers in this process queue here; proper-lockfile serializes across processes.
const localQueues = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` while holding the write lock of the Ray cluster at `address`. Ray's
 * `PUT /api/serve/applications/` replaces every application at once and has no version check,
 * so every read-merge-PUT on one machine goes through this lock: two deploys of different apps
 * then never drop each other's app. (Writers on other machines are not covered; see README.)
 */
export async function withClusterLock<T>(
  address: string,
  fn: () => Promise<T>,
  options: ClusterLockOptions = {},
): Promise<T> {
  const key = normalizeAddress(address);
  const previous = localQueues.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => withFileLock(key, fn, options));
  localQueues.set(key, run);
  try {
    return await run;
  } finally {
    if (localQueues.get(key) === run) localQueues.delete(key);
  }
}

async function withFileLock<T>(
  key: string,
  fn: () => Promise<T>,
  options: ClusterLockOptions,
): Promise<T> {
  const dir = await lockDirectory(options.lockDir);
  const file = join(dir, `${createHash('sha1').update(key).digest('hex').slice(0, 16)}.ray-serve`);
  const waitMs = options.waitMs ?? LOCK_WAIT_MS;
  const release = await retryLoop(
    async () => {
      try {
        return done(
          await lockfile.lock(file, {
            realpath: false,
            stale: LOCK_STALE_MS,
            update: LOCK_REFRESH_MS,
          }),
        );
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw lockError(dir, error);
        return tryAgain(error);
      }
    },
    {
      clock: options.clock ?? systemClock,
      backoff: LOCK_BACKOFF,
      timeoutMs: waitMs,
      signal: options.signal,
    },
    ({ why, reason }) =>
      why === 'cancelled'
        ? new CancelledError('Cancelled while waiting for the cluster lock')
        : new StepsError(
            'LOCK_TIMEOUT',
            `Another deploy to ${key} has held the cluster lock for over ${Math.round(waitMs / 1000)} s; wait for it to finish, or remove ${file}.lock if no deploy is running`,
            { cause: reason },
          ),
  );
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}

/**
 * The lock folder, shared by every user of the machine: created like /tmp (everyone may create,
 * only the owner may remove), since the deploys of two users to one cluster must exclude each
 * other too.
 */
async function lockDirectory(configured: string | undefined): Promise<string> {
  const dir = configured ?? process.env['SYNAPSE_LOCK_DIR'] ?? join(tmpdir(), 'synapse-sdk-locks');
  try {
    await mkdir(dir, { recursive: true, mode: 0o1777 });
    const info = await stat(dir);
    // mkdir's mode is narrowed by the umask; widen it when this process owns the folder.
    if (info.uid === process.getuid?.() && (info.mode & 0o1777) !== 0o1777)
      await chmod(dir, 0o1777);
  } catch (error) {
    throw lockError(dir, error);
  }
  return dir;
}

function lockError(dir: string, error: unknown): StepsError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new StepsError('LOCK_DIR_UNUSABLE', `Cannot use the deploy lock folder ${dir} (${code})`, {
    cause: error,
    hint: 'set SYNAPSE_LOCK_DIR to a folder every user who deploys can write to',
  });
}

function normalizeAddress(address: string): string {
  try {
    const url = new URL(address);
    return `${url.protocol}//${url.host}`.toLowerCase();
  } catch {
    return address.replace(/\/+$/, '').toLowerCase();
  }
}
