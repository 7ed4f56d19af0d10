import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import type { RunOwner } from './journal-error.js';
import { RunLockedError } from './journal-error.js';
import { processAlive, thisHost } from './process-alive.js';
import { syncDirectory } from './sync-directory.js';

const OWNER_FILE = 'owner.json';
const ATTEMPTS = 5;

/**
 * Takes the lock of a run: a directory holding `owner.json`, built under a temporary name and
 * renamed into place, which is atomic (also on NFS) and fails when the lock exists. A lock left
 * by a dead process of this host is moved away and taken; one of another host cannot be
 * checked, so it is reported.
 * @throws RunLockedError when another live process holds it
 */
export async function takeRunLock(lockPath: string, runId: string): Promise<void> {
  const owner: RunOwner = { host: thisHost(), pid: process.pid, since: new Date().toISOString() };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const temp = `${lockPath}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await mkdir(temp, { mode: 0o700 });
    await writeFile(join(temp, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
    try {
      await rename(temp, lockPath);
      await syncDirectory(dirname(lockPath));
      return;
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      if (!lockExists(error)) throw error;
    }
    const holder = await readRunLock(lockPath);
    if (holder === undefined) continue; // released meanwhile
    const dead =
      holder.host === owner.host && holder.pid !== process.pid && !processAlive(holder.pid);
    if (!dead) throw new RunLockedError(runId, holder, lockPath);
    const stale = `${lockPath}.stale-${randomBytes(4).toString('hex')}`;
    try {
      await rename(lockPath, stale); // one taker wins; the others find it gone and retry
      await rm(stale, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const holder = await readRunLock(lockPath);
  if (holder) throw new RunLockedError(runId, holder, lockPath);
  throw new Error(`could not take the lock ${lockPath}: other processes keep taking it`);
}

/** Who holds the lock at `lockPath`, or undefined when nobody does. */
export async function readRunLock(lockPath: string): Promise<RunOwner | undefined> {
  let text: string;
  try {
    text = await readFile(join(lockPath, OWNER_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<RunOwner>;
    return {
      host: String(value.host ?? 'unknown'),
      pid: Number(value.pid ?? 0),
      since: String(value.since ?? 'unknown'),
    };
  } catch {
    return { host: 'unknown', pid: 0, since: 'unknown' };
  }
}

/** Lets go of a run's lock. */
export async function releaseRunLock(lockPath: string): Promise<void> {
  await rm(lockPath, { recursive: true, force: true });
}

function lockExists(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'EPERM';
}
