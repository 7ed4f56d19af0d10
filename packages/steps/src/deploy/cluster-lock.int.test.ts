import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CancelledError } from '@synapse-sdk/core';
import { ManualClock, spawnNode } from '@synapse-sdk/test-kit';

import { withClusterLock } from './cluster-lock.js';

const lockChild = fileURLToPath(new URL('../test-support/lock-child.mjs', import.meta.url));
const ADDRESS = 'http://127.0.0.1:1';

// One folder per test: a killed holder leaves its lock behind until it goes stale.
let lockDir: string;
beforeEach(async () => {
  lockDir = await mkdtemp(join(tmpdir(), 'synapse-locks-'));
});
afterEach(async () => {
  await rm(lockDir, { recursive: true, force: true });
});

/** Another process holding the lock of {@link ADDRESS} until it is killed. */
async function holdLockElsewhere(): Promise<() => void> {
  const journal = join(lockDir, 'holder.txt');
  const child = spawnNode(lockChild, [ADDRESS, journal, '600000', '1'], {
    env: { PATH: process.env['PATH'] ?? '', SYNAPSE_LOCK_DIR: lockDir },
  });
  for (;;) {
    const text = await readFile(journal, 'utf8').catch(() => '');
    if (text.startsWith('enter')) return () => child.kill('SIGKILL');
    if (child.exitCode !== null) throw new Error(`the lock holder exited with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the cluster lock on a manual clock', () => {
  it('gives up on a lock another process holds once the wait has passed on the clock', async () => {
    const release = await holdLockElsewhere();
    try {
      const clock = new ManualClock({ autoAdvance: true });
      let ran = false;
      const error = await withClusterLock(ADDRESS, async () => (ran = true), {
        lockDir,
        clock,
      }).catch((e: unknown) => e as Error & { code?: string });
      expect([ran, (error as { code?: string }).code, (error as Error).message]).toEqual([
        false,
        'LOCK_TIMEOUT',
        expect.stringMatching(
          /^Another deploy to http:\/\/127\.0\.0\.1:1 has held the cluster lock for over 120 s; wait for it to finish, or remove .*\.ray-serve\.lock if no deploy is running$/,
        ),
      ]);
    } finally {
      release();
    }
  });

  it('stops waiting for it when cancelled', async () => {
    const release = await holdLockElsewhere();
    try {
      const clock = new ManualClock();
      const controller = new AbortController();
      const waiting = withClusterLock(ADDRESS, async () => 'ran', {
        lockDir,
        clock,
        signal: controller.signal,
      });
      await clock.sleepsReach(1);
      controller.abort();
      await expect(waiting).rejects.toThrow(
        new CancelledError('Cancelled while waiting for the cluster lock'),
      );
    } finally {
      release();
    }
  });
});
