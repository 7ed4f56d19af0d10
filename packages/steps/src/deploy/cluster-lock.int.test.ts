import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CancelledError } from '@synapse-sdk/core';
import { failure, ManualClock, spawnNode } from '@synapse-sdk/test-kit';

import { withAppLock, withClusterLock } from './cluster-lock.js';

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

/** Another process holding the lock of {@link ADDRESS} (or of `app` there) until it is killed. */
async function holdLockElsewhere(app?: string): Promise<() => Promise<void>> {
  const journal = join(lockDir, 'holder.txt');
  const args = [ADDRESS, journal, '600000', '1', ...(app === undefined ? [] : [app])];
  const child = spawnNode(lockChild, args, {
    env: { PATH: process.env['PATH'] ?? '', SYNAPSE_LOCK_DIR: lockDir },
  });
  for (;;) {
    const text = await readFile(journal, 'utf8').catch(() => '');
    if (text.startsWith('enter'))
      return () => {
        child.kill('SIGKILL');
        return new Promise<void>((resolve) => child.once('exit', () => resolve()));
      };
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
      await release();
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
      await release();
    }
  });
});

describe('the app lock', () => {
  it('lets one deploy of an app run at a time; the next waits, told who holds it, or refuses', async () => {
    let releaseFirst: () => void = () => undefined;
    const firstRuns = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const order: string[] = [];
    let entered: () => void = () => undefined;
    const firstEntered = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const first = withAppLock(
      ADDRESS,
      'model@1.0.0',
      async () => {
        order.push('first in');
        entered();
        await firstRuns;
        order.push('first out');
      },
      { lockDir },
    );
    await firstEntered;
    const refused = await failure(
      withAppLock(ADDRESS, 'model@1.0.0', () => Promise.resolve(), { lockDir, noWait: true }),
    );
    expect(refused.message).toMatch(
      new RegExp(
        `is running \\(pid ${process.pid} on .+ since \\d\\d:\\d\\d:\\d\\d UTC\\); --no-wait refuses`,
      ),
    );
    const holders: string[] = [];
    const second = withAppLock(
      ADDRESS,
      'model@1.0.0',
      () => {
        order.push('second in');
        return Promise.resolve();
      },
      { lockDir, onWait: (holder) => holders.push(holder) },
    );
    // Another app on the same cluster is not held up.
    await withAppLock(ADDRESS, 'other@1.0.0', () => Promise.resolve(order.push('other')), {
      lockDir,
    });
    while (holders.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'other', 'first out', 'second in']);
    expect(holders[0]).toMatch(new RegExp(`^pid ${process.pid} on `));
  });

  it('takes at once the lock of a deploy on this machine whose process is gone (SIGKILL)', async () => {
    const kill = await holdLockElsewhere('model@1.0.0');
    await kill();
    // Its lock was last refreshed a while ago, as a killed holder's is by the time a re-run looks.
    const past = new Date(Date.now() - 3_000);
    for (const name of await readdir(lockDir)) {
      if (name.endsWith('.lock')) await utimes(join(lockDir, name), past, past);
    }
    const ran = await withAppLock(ADDRESS, 'model@1.0.0', () => Promise.resolve('ran'), {
      lockDir,
      noWait: true,
    });
    expect(ran).toBe('ran');
  });
});
