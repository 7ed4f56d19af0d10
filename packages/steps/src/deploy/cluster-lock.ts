import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Clock } from '@synapse-sdk/core';
import { CancelledError, done, retryLoop, systemClock, tryAgain } from '@synapse-sdk/core';
import lockfile from 'proper-lockfile';

import {
  APP_LOCK_BACKOFF,
  APP_LOCK_WAIT_MS,
  GONE_HOLDER_GRACE_MS,
  LOCK_BACKOFF,
  LOCK_REFRESH_MS,
  LOCK_STALE_MS,
  LOCK_WAIT_MS,
} from '../defaults.js';
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

/** Options of {@link withAppLock}. */
export interface AppLockOptions extends ClusterLockOptions {
  /** Refuse at once, naming the holder, when another deploy of the app runs. @default false */
  noWait?: boolean | undefined;
  /** Called once, when another deploy holds the app, with who it is (pid, host, since). */
  onWait?: ((holder: string) => void) | undefined;
}

/**
 * Runs `fn` — a whole deploy of application `appName` to the cluster at `address`: read, PUT,
 * wait, verify, any rollback and the registration — while no other deploy of that app on this
 * machine runs. A second one waits, saying who holds the app, or refuses with `noWait`. Without
 * it, two deploys of one app interleave their PUTs and rollbacks, and each may "restore" a
 * state the other created. The holder (pid, host, since) is kept next to the lock file.
 */
export async function withAppLock<T>(
  address: string,
  appName: string,
  fn: () => Promise<T>,
  options: AppLockOptions = {},
): Promise<T> {
  const key = `${normalizeAddress(address)} ${appName}`;
  const dir = await lockDirectory(options.lockDir);
  const file = join(dir, `${createHash('sha1').update(key).digest('hex').slice(0, 16)}.ray-app`);
  const waitMs = options.waitMs ?? APP_LOCK_WAIT_MS;
  let told = false;
  const release = await retryLoop(
    async () => {
      const acquired = (await tryLock(dir, file)) ?? (await takeFromGoneHolder(dir, file));
      if (acquired) return done(acquired);
      const holder = await readHolder(file);
      if (options.noWait === true) {
        throw new StepsError(
          'APP_LOCKED',
          `Another deploy of '${appName}' to ${normalizeAddress(address)} is running (${holder}); --no-wait refuses instead of waiting for it`,
          { hint: 'run again when it is done, or without --no-wait to wait for it' },
        );
      }
      if (!told) options.onWait?.(holder);
      told = true;
      return tryAgain(holder);
    },
    {
      clock: options.clock ?? systemClock,
      backoff: APP_LOCK_BACKOFF,
      timeoutMs: waitMs,
      signal: options.signal,
    },
    ({ why, reason }) =>
      why === 'cancelled'
        ? new CancelledError(`Cancelled while waiting for another deploy of '${appName}'`)
        : new StepsError(
            'LOCK_TIMEOUT',
            `Another deploy of '${appName}' (${String(reason)}) has run for over ${Math.round(waitMs / 60_000)} min; wait for it to finish, or remove ${file}.lock if it is not running`,
          ),
  );
  try {
    await writeFile(
      holderFile(file),
      JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }),
    ).catch(() => undefined);
    return await fn();
  } finally {
    await rm(holderFile(file), { force: true }).catch(() => undefined);
    await release().catch(() => undefined);
  }
}

/** The lock's release function, or undefined when another process holds it. */
async function tryLock(dir: string, file: string): Promise<(() => Promise<void>) | undefined> {
  try {
    return await lockfile.lock(file, {
      realpath: false,
      stale: LOCK_STALE_MS,
      update: LOCK_REFRESH_MS,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw lockError(dir, error);
    return undefined;
  }
}

function holderFile(file: string): string {
  return `${file}.holder.json`;
}

/**
 * Takes the app lock of a deploy on this machine whose process is gone (killed with SIGKILL, a
 * crash) instead of waiting until the lock goes stale: a re-run after a kill goes ahead at once.
 */
async function takeFromGoneHolder(
  dir: string,
  file: string,
): Promise<(() => Promise<void>) | undefined> {
  const pid = await goneHolderPid(file);
  if (pid === undefined) return undefined;
  const refreshed = await stat(`${file}.lock`).then(
    (lock) => lock.mtimeMs,
    () => undefined,
  );
  if (refreshed !== undefined && Date.now() - refreshed < GONE_HOLDER_GRACE_MS) return undefined;
  // Named again just now: the lock changed hands meanwhile.
  if ((await goneHolderPid(file)) !== pid) return undefined;
  await rm(`${file}.lock`, { recursive: true, force: true });
  return tryLock(dir, file);
}

/** The pid the holder file names when it is a process of this machine that no longer runs. */
async function goneHolderPid(file: string): Promise<number | undefined> {
  let holder: { pid?: unknown; host?: unknown };
  try {
    holder = JSON.parse(await readFile(holderFile(file), 'utf8')) as typeof holder;
  } catch {
    return undefined;
  }
  if (typeof holder.pid !== 'number' || holder.host !== hostname()) return undefined;
  try {
    process.kill(holder.pid, 0);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? holder.pid : undefined;
  }
}

/** `pid 123 on host-a since 14:02:03 UTC`, as the holder wrote it, or what is known. */
async function readHolder(file: string): Promise<string> {
  try {
    const holder = JSON.parse(await readFile(holderFile(file), 'utf8')) as {
      pid?: unknown;
      host?: unknown;
      since?: unknown;
    };
    const since = typeof holder.since === 'string' ? holder.since.slice(11, 19) : '?';
    return `pid ${String(holder.pid)} on ${String(holder.host)} since ${since} UTC`;
  } catch {
    return 'a deploy that is just starting or ending';
  }
}

function normalizeAddress(address: string): string {
  try {
    const url = new URL(address);
    return `${url.protocol}//${url.host}`.toLowerCase();
  } catch {
    return address.replace(/\/+$/, '').toLowerCase();
  }
}
